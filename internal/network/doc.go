// Package network finds the groups of vessels that work together: the
// networks behind a sanctions case, written by `picket analyze` to
// networks.json.
//
// # Use
//
//	ps := profile.Build(res.Tracker, res.Events, profile.Options{})
//	ns := network.Build(res.Events, res.Tracker, ps, network.Options{})
//	network.WriteJSON(w, ns)
//
// # Links
//
// Two members are linked by
//
//   - encounter, dark_rendezvous: a pair event between them;
//   - flag_change: an identity_change event with field flag links the new
//     MMSI to the one the IMO number was heard under before it fell silent
//     (Details["previous_mmsi"]); the link's imo names the hull;
//   - shared_imo: both MMSIs broadcast the same IMO number, at the same
//     time (a spoofing event of subtype shared_imo, which the link lists)
//     or at any time as the tracker's identity histories show. Only a
//     number that can stand for a hull (identity.HullIMO) links: a
//     placeholder (0, 2^30-1, 1234567) or a number failing its check
//     digit ties unrelated ships, and so do numbers heard from more than
//     Options.MaxIMOSharers MMSIs (a default typed into many
//     transponders). identity_change events about that number are listed
//     with the link;
//   - shared_mmsi: a shared_mmsi spoofing event links the two transmitters
//     of one MMSI.
//
// Links of one kind between one pair are merged: their events are listed
// by start time, and the weight is the sum of the events' confidences
// (1 for a shared IMO number, one fact however often it was heard).
//
// # Members
//
// A member is an MMSI, id "<mmsi>". An MMSI with a shared_mmsi event,
// whose segments the tracker knows, is instead one member per transmitter,
// id "<mmsi>-<n>" (the events' segment names), and never "<mmsi>" as well:
// every link of that MMSI goes to one of its transmitters. The transmitter
// is the one the event names (its segment, or Details["other_segment"] for
// the other side of a pair or the other transmitter of a shared_mmsi
// event); when the evidence names none (static reports, the other side of
// most pair events) it is the transmitter heard over that time with the
// most fixes, usually the genuine ship rather than its clone. A
// placeholder MMSI (0, 123456789, ...) is split the same way, but its
// transmitters are not linked to each other: they share a careless
// default, not a plan.
//
// Networks are the connected components of the links (union-find), each
// with at least two members. A cloned MMSI whose transmitters met no one
// is thus a network of one vessel and two members: the clone and the
// ship it copies belong together in an investigation. A member carries its name and IMO number as
// last heard, its flag from the MID, and its risk score from the profiles
// (a transmitter's own profile line if it has one, else its MMSI's).
//
// # Risk
//
// A network is at least as worrying as its riskiest member, and more so
// when it is large or tightly linked:
//
//	risk = min(100, max_member + size + links)
//	size  = 2 per vessel (distinct MMSI) beyond two, at most 10
//	links = sum over links of points(kind) * min(weight, 3), at most 20
//	points: dark_rendezvous 4, shared_mmsi 3, shared_imo 3, flag_change 3,
//	        encounter 1
//
// risk_detail gives the three terms. Every number is an Options field.
// Networks are sorted by descending risk, then size, then id; members by
// descending risk, then MMSI and segment; links by their ends and kind.
// A network's id is a hash of its member ids: the same members give the
// same id from run to run, and a network that gains a member gets a new
// one.
//
// # Concurrency
//
// Build reads its inputs and modifies none; it must not run while the
// tracker is being updated. Networks are plain values.
package network
