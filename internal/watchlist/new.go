package watchlist

// New returns a list of the given entries, indexed for Match, as Load
// returns one of a file's rows: for lists kept by other means than a file
// (a partner's watchlists made on the map). The entries are copied; their
// values are taken as they are (the caller checks them).
func New(entries []Entry) *List {
	l := &List{entries: append([]Entry(nil), entries...)}
	l.index()
	return l
}
