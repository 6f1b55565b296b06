package store

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/picket-ais/picket/internal/event"
	"github.com/picket-ais/picket/internal/fuse"
)

// IdentityRecord is one value an identity field of a vessel took, and when
// and through which feeds it was heard.
type IdentityRecord struct {
	Field       string // e.g. "name", "callsign", "imo", "shiptype", "destination"
	Value       string
	First, Last int64  // Unix ms
	Feeds       uint64 // feeds that heard it
}

// Identity fields beside event.Field*: the AIS station class ("A", "B")
// a static report came from, and the length and beam it gave ("183x32",
// metres).
const (
	FieldClass      = "class"
	FieldDimensions = "dimensions"
)

// Limits on identity records: a placeholder MMSI shared by many
// transmitters must not grow without end.
const (
	maxFieldLen      = 64
	maxValueLen      = 256
	maxIdentsPerMMSI = 256
)

// PutIdentity records that vessel mmsi said rec.Value for rec.Field,
// heard through rec.Feeds. It merges with what is stored for the same
// field, value and feeds (the earliest First, the latest Last); the same
// value heard through other feeds is another record, so that a partner
// cleared for some feeds only sees when those heard it. A vessel keeps at most 256
// records; past that the one heard longest ago goes.
func (s *Store) PutIdentity(mmsi uint32, rec IdentityRecord) error {
	if err := checkIdentity(mmsi, &rec); err != nil {
		return err
	}
	return s.write(func(w *wal) []byte {
		return appendIdentity(w.begin(recIdentity), mmsi, &rec)
	}, func() { s.applyIdentity(mmsi, rec) })
}

// Identity is one identity record of a vessel, for PutIdentities.
type Identity struct {
	MMSI   uint32
	Record IdentityRecord
}

// PutIdentities is PutIdentity for many records, written to the log
// with one write(2): a writer with a batch of records pays one system
// call, not one each. It checks every record first and stores none if
// one is invalid (the error names it). Each record is whole in the log
// on its own: a crash of the machine in the middle of the write may keep
// the first records of the batch without the others.
func (s *Store) PutIdentities(ids []Identity) error {
	if len(ids) == 0 {
		return nil
	}
	for i := range ids {
		if err := checkIdentity(ids[i].MMSI, &ids[i].Record); err != nil {
			return fmt.Errorf("record %d of %d: %w", i, len(ids), err)
		}
	}
	return s.write(func(w *wal) []byte {
		b := w.begin(recIdentity)
		for i := range ids {
			if i > 0 {
				b = w.next(b, recIdentity)
			}
			b = appendIdentity(b, ids[i].MMSI, &ids[i].Record)
		}
		return b
	}, func() {
		for i := range ids {
			s.applyIdentity(ids[i].MMSI, ids[i].Record)
		}
	})
}

// checkIdentity returns why rec cannot be stored, or nil.
func checkIdentity(mmsi uint32, rec *IdentityRecord) error {
	switch {
	case mmsi > maxMMSI:
		return fmt.Errorf("%w: identity: mmsi %d has more than nine digits", ErrInvalid, mmsi)
	case rec.Field == "" || len(rec.Field) > maxFieldLen:
		return fmt.Errorf("%w: identity of mmsi %d: field must be 1 to %d bytes", ErrInvalid, mmsi, maxFieldLen)
	case len(rec.Value) > maxValueLen:
		return fmt.Errorf("%w: identity of mmsi %d: value longer than %d bytes", ErrInvalid, mmsi, maxValueLen)
	case rec.First <= 0 || rec.Last < rec.First:
		return fmt.Errorf("%w: identity of mmsi %d: need 0 < First <= Last", ErrInvalid, mmsi)
	}
	return nil
}

func appendIdentity(b []byte, mmsi uint32, r *IdentityRecord) []byte {
	b = binary.LittleEndian.AppendUint32(b, mmsi)
	b = binary.LittleEndian.AppendUint64(b, uint64(r.First))
	b = binary.LittleEndian.AppendUint64(b, uint64(r.Last))
	b = binary.LittleEndian.AppendUint64(b, r.Feeds)
	b = binary.AppendUvarint(b, uint64(len(r.Field)))
	b = append(b, r.Field...)
	b = binary.AppendUvarint(b, uint64(len(r.Value)))
	return append(b, r.Value...)
}

// readIdentity decodes one record and returns the rest of b.
func readIdentity(b []byte) (uint32, IdentityRecord, []byte, error) {
	var r IdentityRecord
	if len(b) < 28 {
		return 0, r, nil, fmt.Errorf("%w: identity record", ErrCorrupt)
	}
	mmsi := binary.LittleEndian.Uint32(b)
	r.First = int64(binary.LittleEndian.Uint64(b[4:]))
	r.Last = int64(binary.LittleEndian.Uint64(b[12:]))
	r.Feeds = binary.LittleEndian.Uint64(b[20:])
	b = b[28:]
	for _, dst := range []*string{&r.Field, &r.Value} {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return 0, r, nil, fmt.Errorf("%w: identity record", ErrCorrupt)
		}
		*dst = string(b[k : k+int(n)])
		b = b[k+int(n):]
	}
	return mmsi, r, b, nil
}

// applyIdentity merges rec into memory; s.mu is held.
func (s *Store) applyIdentity(mmsi uint32, rec IdentityRecord) {
	rs := s.idents[mmsi]
	for i := range rs {
		r := &rs[i]
		if r.Field == rec.Field && r.Value == rec.Value && r.Feeds == rec.Feeds {
			r.First = min(r.First, rec.First)
			r.Last = max(r.Last, rec.Last)
			return
		}
	}
	if len(rs) >= maxIdentsPerMMSI {
		oldest := 0
		for i := range rs {
			if rs[i].Last < rs[oldest].Last {
				oldest = i
			}
		}
		rs = slices.Delete(rs, oldest, oldest+1)
	}
	s.idents[mmsi] = append(rs, rec)
}

// Identities returns the identity records of mmsi, by field and then by
// first heard.
func (s *Store) Identities(mmsi uint32) ([]IdentityRecord, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, ErrClosed
	}
	cut := s.cutoff()
	var out []IdentityRecord
	for _, r := range s.idents[mmsi] {
		if r.Last >= cut {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b IdentityRecord) int {
		if c := strings.Compare(a.Field, b.Field); c != 0 {
			return c
		}
		if a.First != b.First {
			if a.First < b.First {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Value, b.Value)
	})
	return out, nil
}

// StatedIdentity calls add with each identity field a static report
// states and its value, in the order name, call sign, IMO number, ship
// type, destination, station class, dimensions; the live pipeline and a
// cluster's partition owner make their identity records from it.
func StatedIdentity(r *fuse.Report, add func(field, value string)) {
	s := r.Info
	if s == nil {
		return
	}
	if s.Has&fuse.HasName != 0 {
		add(event.FieldName, s.Name)
	}
	if s.Has&fuse.HasCallSign != 0 {
		add(event.FieldCallSign, s.CallSign)
	}
	if s.Has&fuse.HasIMO != 0 {
		add(event.FieldIMO, strconv.FormatUint(uint64(s.IMO), 10))
	}
	if s.Has&fuse.HasShipType != 0 {
		add(event.FieldShipType, strconv.Itoa(int(s.ShipType)))
	}
	if s.Has&fuse.HasDestination != 0 {
		add("destination", s.Destination)
	}
	// The station class and the dimensions, so that a partner cleared for
	// part of the feeds learns them from what its feeds heard (the
	// server's partial profile), not from the tracker's whole.
	if r.Class != fuse.ClassUnknown {
		add(FieldClass, r.Class.String())
	}
	if s.Has&fuse.HasDimensions != 0 && s.Length > 0 {
		add(FieldDimensions, strconv.Itoa(int(s.Length))+"x"+strconv.Itoa(int(s.Beam)))
	}
}
