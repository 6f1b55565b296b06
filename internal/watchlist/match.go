package watchlist

import (
	"github.com/picket-ais/picket/internal/identity"
)

// aisNameLen is the length of the AIS name field (types 5, 19, 24):
// longer names arrive cut to it.
const aisNameLen = 20

// List is a loaded watchlist, indexed for Match. It does not change once
// built.
type List struct {
	entries  []Entry
	warnings []*ParseError
	skipped  int
	extraIMO []extraKey // company numbers beyond an entry's first

	byIMO        map[int][]int32
	byMMSI       map[int][]int32
	byName       map[string][]nameRef
	byCompanyIMO map[int][]int32
	byCompany    map[string][]nameRef
	callKey      map[*Entry]string // call signs, as identity.NameKey
	typeClass    map[*Entry]int8   // vessel type classes
}

type extraKey struct {
	entry int
	imo   int
}

type nameRef struct {
	entry int32
	by    By // ByName or ByAlias
}

// Len returns the number of entries.
func (l *List) Len() int { return len(l.entries) }

// Entries returns the entries in file order (after Merge, list by list).
// The caller must not modify them.
func (l *List) Entries() []Entry { return l.entries }

// Warnings returns the bad values met while loading, in file order.
func (l *List) Warnings() []*ParseError { return l.warnings }

// Skipped returns how many rows did not become entries (each has a
// warning).
func (l *List) Skipped() int { return l.skipped }

// Merge returns one list holding the entries of all the lists, so that
// one lookup covers several sources. The lists are not modified.
func Merge(lists ...*List) *List {
	m := &List{}
	for _, l := range lists {
		base := len(m.entries)
		m.entries = append(m.entries, l.entries...)
		m.warnings = append(m.warnings, l.warnings...)
		m.skipped += l.skipped
		for _, k := range l.extraIMO {
			m.extraIMO = append(m.extraIMO, extraKey{entry: base + k.entry, imo: k.imo})
		}
	}
	m.index()
	return m
}

func (l *List) index() {
	l.byIMO = map[int][]int32{}
	l.byMMSI = map[int][]int32{}
	l.byName = map[string][]nameRef{}
	l.byCompanyIMO = map[int][]int32{}
	l.byCompany = map[string][]nameRef{}
	var buf []byte
	addName := func(m map[string][]nameRef, i int32, name string, by By) {
		buf = identity.AppendNameKey(buf[:0], name)
		addKey(m, string(buf), nameRef{i, by})
		// AIS carries 20 characters: a longer listed name arrives cut.
		norm := identity.NormalizeName(name)
		if len(norm) > aisNameLen {
			addKey(m, identity.NameKey(norm[:aisNameLen]), nameRef{i, by})
		}
	}
	for idx := range l.entries {
		e := &l.entries[idx]
		i := int32(idx)
		imos, names := l.byIMO, l.byName
		if e.Kind == KindCompany {
			imos, names = l.byCompanyIMO, l.byCompany
		}
		if e.IMO != 0 {
			imos[e.IMO] = append(imos[e.IMO], i)
		}
		if e.MMSI != 0 {
			l.byMMSI[e.MMSI] = append(l.byMMSI[e.MMSI], i)
		}
		for _, m := range e.MMSIs {
			if m != e.MMSI {
				l.byMMSI[m] = append(l.byMMSI[m], i)
			}
		}
		addName(names, i, e.Name, ByName)
		for _, a := range e.Aliases {
			addName(names, i, a, ByAlias)
		}
	}
	l.indexVessels()
	for _, k := range l.extraIMO {
		m := l.byIMO
		if l.entries[k.entry].Kind == KindCompany {
			m = l.byCompanyIMO
		}
		m[k.imo] = append(m[k.imo], int32(k.entry))
	}
}

// addKey adds r under key unless the entry is already there by the same
// key (a name that equals an alias, or is 20 characters already).
func addKey(m map[string][]nameRef, key string, r nameRef) {
	if key == "" {
		return
	}
	for _, have := range m[key] {
		if have.entry == r.entry {
			return
		}
	}
	m[key] = append(m[key], r)
}

// Match returns the vessel entries matching an IMO number, an MMSI and a
// ship name, any of which may be zero or empty, one Hit per entry. It
// returns nil, without allocating, when nothing matches.
func (l *List) Match(imo, mmsi int, name string) []Hit {
	return l.AppendMatch(nil, imo, mmsi, name)
}

// AppendMatch is Match appending to dst, so a caller can reuse a slice.
func (l *List) AppendMatch(dst []Hit, imo, mmsi int, name string) []Hit {
	return l.match(dst, imo, mmsi, name, l.byIMO, l.byName)
}

// MatchCompany returns the company entries (owners, managers) matching an
// IMO company number or a company name.
func (l *List) MatchCompany(imo int, name string) []Hit {
	return l.match(nil, imo, 0, name, l.byCompanyIMO, l.byCompany)
}

func (l *List) match(dst []Hit, imo, mmsi int, name string, imos map[int][]int32, names map[string][]nameRef) []Hit {
	start := len(dst)
	add := func(i int32, by By) {
		e := &l.entries[i]
		for j := start; j < len(dst); j++ {
			if dst[j].Entry == e {
				dst[j].By |= by
				return
			}
		}
		dst = append(dst, Hit{Entry: e, By: by})
	}
	if imo > 0 {
		for _, i := range imos[imo] {
			add(i, ByIMO)
		}
	}
	if mmsi > 0 {
		for _, i := range l.byMMSI[mmsi] {
			add(i, ByMMSI)
		}
	}
	if name != "" {
		var buf [64]byte
		key := identity.AppendNameKey(buf[:0], name)
		for _, r := range names[string(key)] {
			add(r.entry, r.by)
		}
	}
	for j := start; j < len(dst); j++ {
		dst[j].Confidence = confidence(dst[j].By)
	}
	return dst
}
