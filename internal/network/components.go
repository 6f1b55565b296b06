package network

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/picket-ais/picket/internal/identity"
	"github.com/picket-ais/picket/internal/profile"
)

// unionFind is a disjoint-set forest with path halving and union by size.
type unionFind struct {
	parent []int32
	size   []int32
}

func (u *unionFind) add() int32 {
	u.parent = append(u.parent, int32(len(u.parent)))
	u.size = append(u.size, 1)
	return int32(len(u.parent) - 1)
}

func (u *unionFind) find(x int32) int32 {
	for u.parent[x] != x {
		u.parent[x] = u.parent[u.parent[x]]
		x = u.parent[x]
	}
	return x
}

func (u *unionFind) union(a, b int32) {
	a, b = u.find(a), u.find(b)
	if a == b {
		return
	}
	if u.size[a] < u.size[b] {
		a, b = b, a
	}
	u.parent[b] = a
	u.size[a] += u.size[b]
}

func (k linkKey) compare(o linkKey) int {
	if c := k.a.compare(o.a); c != 0 {
		return c
	}
	if c := k.b.compare(o.b); c != 0 {
		return c
	}
	if c := cmp.Compare(k.kind, o.kind); c != 0 {
		return c
	}
	return cmp.Compare(k.imo, o.imo)
}

// networks cuts the links into connected components and describes each.
func (b *builder) networks(profiles []profile.Profile) []Network {
	keys := make([]linkKey, 0, len(b.links))
	for k := range b.links {
		keys = append(keys, k)
	}
	// Sorted links give nodes numbered in one order whatever the map did.
	slices.SortFunc(keys, linkKey.compare)

	var uf unionFind
	index := make(map[node]int32)
	var nodes []node
	get := func(n node) int32 {
		i, ok := index[n]
		if !ok {
			i = uf.add()
			index[n] = i
			nodes = append(nodes, n)
		}
		return i
	}
	for _, k := range keys {
		uf.union(get(k.a), get(k.b))
	}

	// Group members and links by their root.
	comp := make(map[int32]int)
	type group struct {
		members []node
		links   []linkKey
	}
	var groups []*group
	for i, n := range nodes {
		r := uf.find(int32(i))
		g, ok := comp[r]
		if !ok {
			g = len(groups)
			comp[r] = g
			groups = append(groups, &group{})
		}
		groups[g].members = append(groups[g].members, n)
	}
	for _, k := range keys {
		g := comp[uf.find(index[k.a])]
		groups[g].links = append(groups[g].links, k)
	}

	info := b.memberInfo(nodes, profiles)
	out := make([]Network, 0, len(groups))
	for _, g := range groups {
		if len(g.members) < 2 {
			continue // cannot happen (a link has two ends), kept as the contract
		}
		out = append(out, b.network(g.members, g.links, info))
	}
	slices.SortFunc(out, func(x, y Network) int {
		if c := cmp.Compare(y.Risk, x.Risk); c != 0 {
			return c
		}
		if c := cmp.Compare(len(y.Members), len(x.Members)); c != 0 {
			return c
		}
		return cmp.Compare(x.ID, y.ID)
	})
	return out
}

// memberInfo describes every node: name, IMO and flag from the tracker (or
// the profile when the tracker does not know the vessel), risk from the
// profiles: a transmitter's own line if it has one, else its MMSI's.
func (b *builder) memberInfo(nodes []node, profiles []profile.Profile) map[node]Member {
	want := make(map[uint32]bool, len(nodes))
	for _, n := range nodes {
		want[n.mmsi] = true
	}
	type prof struct {
		risk int
		name string
		imo  string
	}
	byNode := make(map[node]prof, len(nodes))
	for i := range profiles {
		p := &profiles[i]
		if !want[p.MMSI] {
			continue
		}
		x := prof{risk: p.Risk.Score, name: p.Name}
		if p.Identity != nil && len(p.Identity.IMOs) > 0 {
			x.imo = p.Identity.IMOs[len(p.Identity.IMOs)-1].Value
		}
		byNode[node{p.MMSI, segNum(p.Segment)}] = x
	}
	out := make(map[node]Member, len(nodes))
	for _, n := range nodes {
		m := Member{ID: n.id(), MMSI: n.mmsi, Flag: identity.FlagOf(n.mmsi)}
		if n.seg > 0 {
			m.Segment = m.ID
		}
		whole := byNode[node{mmsi: n.mmsi}]
		m.Risk, m.Name, m.IMO = whole.risk, whole.name, whole.imo
		if p, ok := byNode[n]; ok {
			m.Risk = p.risk
		}
		if b.tr != nil {
			if v := b.tr.Vessel(n.mmsi); v != nil {
				m.Name, _ = v.ID.Names.Current()
				m.IMO, _ = v.ID.IMOs.Current()
			}
		}
		out[n] = m
	}
	return out
}

func segNum(s string) int32 {
	if i := strings.LastIndexByte(s, '-'); i >= 0 {
		n, _ := strconv.ParseInt(s[i+1:], 10, 32)
		return int32(n)
	}
	return 0
}

// network describes one component; members and links come sorted.
func (b *builder) network(members []node, keys []linkKey, info map[node]Member) Network {
	o := b.opts
	nw := Network{ID: networkID(members), Members: make([]Member, len(members)), Links: make([]Link, len(keys))}
	mmsis := make(map[uint32]bool, len(members))
	for i, n := range members {
		nw.Members[i] = info[n]
		mmsis[n.mmsi] = true
		nw.RiskDetail.MaxMember = max(nw.RiskDetail.MaxMember, nw.Members[i].Risk)
	}
	slices.SortStableFunc(nw.Members, func(x, y Member) int { return cmp.Compare(y.Risk, x.Risk) })

	var linkBonus float64
	tally := make(map[Kind]int, len(kindWords))
	var imos map[string]bool
	for i, k := range keys {
		evs := sortEvents(b.events, b.links[k].evs)
		l := Link{A: k.a.id(), B: k.b.id(), Kind: k.kind, IMO: k.imo, Events: make([]string, len(evs))}
		for j, e := range evs {
			ev := &b.events[e]
			l.Events[j] = ev.ID
			c := ev.Confidence
			if c <= 0 || c > 1 {
				c = 1 // no stated doubt
			}
			l.Weight += c
		}
		if k.kind == KindSharedIMO {
			l.Weight = 1 // one fact about the hull, however many reports say it
		}
		l.Weight = math.Round(l.Weight*1000) / 1000
		nw.Links[i] = l
		linkBonus += o.kindPoints(k.kind) * math.Min(l.Weight, o.LinkWeightCap)

		// What the summary counts: events (each is on one link of its
		// kind), or IMO numbers for shared IMOs.
		if k.kind == KindSharedIMO {
			if imos == nil {
				imos = make(map[string]bool)
			}
			imos[k.imo] = true
		} else {
			tally[k.kind] += len(l.Events)
		}
	}
	tally[KindSharedIMO] = len(imos)
	nw.RiskDetail.Size = int(math.Round(math.Min(o.SizeCap, o.SizePoints*float64(max(0, len(mmsis)-2)))))
	nw.RiskDetail.Links = int(math.Round(math.Min(o.LinkCap, linkBonus)))
	nw.Risk = min(100, nw.RiskDetail.MaxMember+nw.RiskDetail.Size+nw.RiskDetail.Links)
	nw.Summary = summary(nw.Members, len(mmsis), tally)
	return nw
}

var kindWords = []struct {
	kind      Kind
	one, many string
}{
	{KindDarkRendezvous, "dark rendezvous", "dark rendezvous"},
	{KindEncounter, "encounter", "encounters"},
	{KindFlagChange, "flag change", "flag changes"},
	{KindSharedIMO, "shared IMO number", "shared IMO numbers"},
	{KindSharedMMSI, "shared MMSI", "shared MMSIs"},
}

// summary is one line: how many vessels and flags, what ties them, and
// the riskiest member (members come sorted by risk).
func summary(members []Member, vessels int, tally map[Kind]int) string {
	var sb strings.Builder
	sb.WriteString(strconv.Itoa(vessels))
	if vessels == 1 {
		sb.WriteString(" vessel")
	} else {
		sb.WriteString(" vessels")
	}
	// Name the MMSIs that stand as several members.
	var split []string
	perMMSI := make(map[uint32]int)
	for _, m := range members {
		if m.Segment != "" {
			perMMSI[m.MMSI]++
		}
	}
	for mmsi, n := range perMMSI {
		split = append(split, "MMSI "+strconv.FormatUint(uint64(mmsi), 10)+" used by "+strconv.Itoa(n)+" transmitters")
	}
	if len(split) > 0 {
		slices.Sort(split)
		sb.WriteString(" (" + strings.Join(split, ", ") + ")")
	}
	var flags []string
	for _, m := range members {
		if m.Flag != "" && !slices.Contains(flags, m.Flag) {
			flags = append(flags, m.Flag)
		}
	}
	if len(flags) > 0 {
		slices.Sort(flags)
		sb.WriteString(", flags " + strings.Join(flags, "/"))
	}
	var ties []string
	for _, w := range kindWords {
		if n := tally[w.kind]; n > 0 {
			word := w.many
			if n == 1 {
				word = w.one
			}
			ties = append(ties, strconv.Itoa(n)+" "+word)
		}
	}
	sb.WriteString(", tied by ")
	switch len(ties) {
	case 0:
		sb.WriteString("links")
	case 1:
		sb.WriteString(ties[0])
	default:
		sb.WriteString(strings.Join(ties[:len(ties)-1], ", ") + " and " + ties[len(ties)-1])
	}
	top := members[0]
	sb.WriteString("; riskiest " + top.ID)
	if top.Name != "" {
		sb.WriteString(" " + top.Name)
	}
	sb.WriteString(" (" + strconv.Itoa(top.Risk) + ")")
	return sb.String()
}
