// Package watchlist loads sanctions lists and user watchlists of vessels
// and tells, for each vessel identity heard on AIS, which entries it
// matches and by what. The watchlist detector turns the hits into
// `watchlist` events.
//
// # Formats
//
// Load reads CSV and recognises the format from the header row:
//
//   - A plain watchlist: any of the columns imo, mmsi and name (in any
//     order, any one may be empty on a row), optionally id, program and
//     aliases (separated by '|'). Other columns are kept as text in
//     Entry.Extra. imo takes "9074729" or "IMO 9074729". In place of name,
//     a names column gives all a vessel's names, '|'-separated, the first
//     its entry name and the others aliases (its former names); in place
//     of mmsi, an mmsis column gives several MMSIs, each of which matches
//     (Entry.MMSIs). The UN 1718 and EU vessel lists are in this form.
//   - OFAC's SDN vessel extract (ent_num, name, programs, call_sign, ...,
//     imo, mmsi, aliases, remarks): one entry per designated vessel, with
//     OFAC's programs (DPRK, IRAN, ...) and aliases ("a.k.a."). When the
//     imo column is empty but the remarks quote an IMO number, that number
//     is checked too, so a malformed one is reported rather than lost.
//   - The UN Security Council consolidated list, entities quoting an IMO
//     number (dataid, reference_number, un_list_type, name, aliases,
//     listed_on, imo_numbers, comments). These are shipping companies and
//     their numbers are IMO company numbers, not ship numbers: they are
//     loaded as KindCompany entries and matched only by MatchCompany.
//
// A bad value (an IMO failing its check digit, an MMSI that is not nine
// digits or fewer) is a *ParseError carrying the line, the column and the
// value, and wrapping ErrBadIMO or ErrBadMMSI (and the identity package's
// reason). By default such values are dropped from their entry, the entry
// is kept if it still has an IMO, MMSI or name, and the error is returned
// in Warnings; Options.Strict makes the first one fail the load instead.
// Every row is accounted for: it is an entry, or it is counted in Skipped
// with a warning saying why (ErrFieldCount, ErrEmptyEntry). A header that
// fits no format (ErrHeader) or broken CSV quoting fails the load.
//
// # Built-in lists
//
// Builtin loads a list compiled into picket by name: un1718 (the UN
// Security Council 1718 Committee's Designated Vessels List, DPRK), eu
// (the EU's designated vessels, Regulation 833/2014 Annex XLII) and ofac
// (OFAC's SDN vessels). lists/SOURCES.md gives each one's edition and
// origin. Open takes a built-in name or a file's path, as --watchlist
// does; a file called like a built-in list is reached by its path (./eu).
//
// # Matching
//
// Match looks a vessel up by IMO number, MMSI and name, each an exact map
// lookup; names are compared as identity.NameKey (upper-case, punctuation
// and spaces removed), against the entry's name and its aliases. A list
// name longer than AIS's 20 characters also matches its first 20. Each hit
// says which keys matched and a confidence: a name alone is weak evidence
// (ship names repeat: four OFAC entries share ZEUS, FREEDOM, SABRINA or
// GARDENIA), an MMSI is good until the ship is reflagged, an IMO number
// stays with the hull for life.
//
// # Concurrency
//
// A List does not change after Load or Merge returns; all its methods are
// safe for concurrent use. Match does not allocate unless there are hits.
package watchlist
