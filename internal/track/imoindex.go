package track

import "github.com/picket-ais/picket/internal/identity"

// IMOShare is an MMSI starting to broadcast an IMO number that another
// MMSI broadcast before: the same hull under a new MMSI (a flag change)
// if the other fell silent for good, two MMSIs claiming one hull if both
// go on. The index cannot tell yet; the detectors watch what follows.
type IMOShare struct {
	IMO       uint32
	OtherMMSI uint32
	// Time is when this MMSI first broadcast the number; OtherLast is when
	// the other was last heard (any report) before it.
	Time, OtherLast int64
}

// maxIMOUsers bounds the MMSIs remembered per IMO number: beyond a few,
// the number is a default typed into many transponders.
const maxIMOUsers = 8

// IMOIndex remembers which MMSIs broadcast each IMO number, across every
// vessel however they are tracked (in one tracker or in shards by MMSI),
// so that an MMSI taking up another's number is noticed.
type IMOIndex struct {
	byIMO map[uint32][]imoUse
	last  func(mmsi uint32) (int64, bool)
}

// imoUse is one MMSI broadcasting an IMO number: when it did last.
type imoUse struct {
	mmsi uint32
	last int64
}

// NewIMOIndex returns an empty index; last says when an MMSI in it was
// last heard, any report (Vessel.Last, or the index user's copy of it),
// for IMOShare.OtherLast.
func NewIMOIndex(last func(mmsi uint32) (int64, bool)) *IMOIndex {
	return &IMOIndex{byIMO: make(map[uint32][]imoUse), last: last}
}

// Use records that mmsi broadcast imo at now and returns a share when it
// starts broadcasting a number another MMSI broadcast before (the one
// heard last). Only a number that can stand for a hull is recorded: a
// placeholder (0, 2^30-1, 1234567) or a number failing its check digit
// is carried by unrelated ships and ties none of them together.
func (x *IMOIndex) Use(mmsi, imo uint32, now int64) *IMOShare {
	if !identity.HullIMO(int(imo)) {
		return nil
	}
	us := x.byIMO[imo]
	latest := -1
	for i := range us {
		if us[i].mmsi == mmsi {
			us[i].last = max(us[i].last, now)
			return nil
		}
		if latest < 0 || us[i].last > us[latest].last {
			latest = i
		}
	}
	var share *IMOShare
	if latest >= 0 {
		if last, ok := x.last(us[latest].mmsi); ok {
			share = &IMOShare{IMO: imo, OtherMMSI: us[latest].mmsi, Time: now, OtherLast: last}
		}
	}
	if len(us) < maxIMOUsers {
		x.byIMO[imo] = append(us, imoUse{mmsi: mmsi, last: now})
	}
	return share
}
