package profile

// Weight is what one kind of evidence adds to a vessel's risk.
type Weight struct {
	// Points is what one piece of evidence adds: per event for counted
	// reasons, per hour dark for gaps, per listed vessel met for contacts,
	// once for flat reasons. Zero means the default; a negative value
	// switches the reason off.
	Points float64
	// Cap is the most the reason can add however much evidence there is, so
	// that a busy vessel cannot score on volume alone. Zero means the
	// default.
	Cap float64
}

// Options holds the weights of the risk model. The zero value means the
// defaults; doc.go explains each default. Points are on a 0-100 scale: a
// vessel's score is the sum of its reasons' points, capped at 100.
type Options struct {
	// WatchlistIMO: a watchlist entry matched by IMO number. The IMO number
	// stays with the hull through renames and reflaggings, so this is
	// nearly proof of identity with a listed ship. Default 60.
	WatchlistIMO Weight
	// WatchlistMMSI: an entry matched by MMSI (and not by IMO). MMSIs move
	// with reflagging and are reused, so strong but not conclusive.
	// Default 40.
	WatchlistMMSI Weight
	// WatchlistName: an entry matched by name or alias, corroborated by
	// the call sign or a ship type that agrees with the entry's vessel
	// type. A name alone counts nothing: names repeat across fleets (the
	// AISHub sample's US yachts FREEDOM and AMBER are OFAC aliases); it is
	// a lead for the analyst, not an alert. Default 15.
	WatchlistName Weight

	// Encounter: each encounter at sea (STS transfer candidate). Lawful
	// lightering and bunkering are common, so one adds little and
	// repetition matters. Default 10 each, cap 30.
	Encounter Weight
	// DarkRendezvous: each meeting made plausible by overlapping dark
	// periods: a transfer both sides took care to hide. Default 25 each,
	// cap 50.
	DarkRendezvous Weight
	// Loitering: each period slow at sea, away from port: waiting for a
	// transfer, or fishing, or waiting for a berth. Default 5 each, cap 15.
	Loitering Weight

	// IntentionalGap: per hour dark in gaps the gap detector judged likely
	// intentional (good reception around, dense reporting before: Global
	// Fishing Watch's AIS-disabling rules). Default 0.5 per hour (a day
	// dark is 12 points), cap 30 (60 hours).
	IntentionalGap Weight
	// CoverageGap: per hour dark in the other gaps, which look like holes in
	// reception. Sparse satellite coverage offshore must not raise an
	// alert, so this is small. Default 0.05 per hour, cap 5.
	CoverageGap Weight

	// SharedMMSI: the MMSI is used by several transmitters at once: a
	// cloned identity. Counted once per vessel. Default 30.
	SharedMMSI Weight
	// ImpossibleSpeed: each position jump no ship can make. Satellite clock
	// jumps and GPS glitches cause some, hence the low weight. Default 10
	// each, cap 20.
	ImpossibleSpeed Weight
	// InvalidMMSI: an MMSI with an unallocated MID, no ITU form or a
	// placeholder value. Often a careless installation, sometimes a chosen
	// disguise. Counted once. Default 10.
	InvalidMMSI Weight
	// InvalidIMO: an IMO number failing its check digit. On real data
	// nearly all are typos or the number written in the wrong field
	// (exactEarth 2012, MarineCadastre 2022), at times a made-up number;
	// a placeholder (0, 2^30-1 "not available", 1234567) counts nothing.
	// Counted once. Default 5.
	InvalidIMO Weight
	// SharedIMO: the vessel's IMO number was broadcast at the same time by
	// another MMSI: one of the two claims the other's hull, or mistyped
	// its own. Counted once, for both; not when the two were never heard 1
	// km apart (two transponders of one ship). Default 10.
	SharedIMO Weight

	// FlagChange: each time the vessel's IMO number moved to an MMSI of
	// another flag, the old MMSI silent for good. Flag hopping is the hallmark of sanctions
	// evasion fleets. Default 20 each, cap 40.
	FlagChange Weight
	// NameChange: each confirmed change of name. Default 10 each, cap 20.
	NameChange Weight
	// IMOChange: each change of the IMO number broadcast. A hull's IMO
	// number never changes, so a vessel broadcasting another is claiming
	// another ship's identity. Default 15 each, cap 30.
	IMOChange Weight
	// CallSignChange: each change of call sign; it follows reflagging and
	// is otherwise rare. Default 5 each, cap 10.
	CallSignChange Weight
	// ShipTypeChange: each change of ship type: often a crew correcting a
	// setting. Default 3 each, cap 6.
	ShipTypeChange Weight

	// WatchlistContact: per distinct vessel met (encounter or dark
	// rendezvous) that is on a watchlist by IMO or MMSI. One hop only, and
	// not from name-only hits: a coincidence of names two steps away is
	// noise. Default 20 each, cap 40.
	WatchlistContact Weight

	// NoIMO: a Class A cargo ship or tanker (ship type 70-89) that never
	// broadcast an IMO number. SOLAS requires one of ships of 300 GT and
	// more on international voyages; leaving it blank hides the ship's
	// history. Counted once. Default 10.
	NoIMO Weight

	// DarkVesselLead: each sensor detection no AIS vessel explains that
	// the vessel could have been (silent around it, able to reach it).
	// A lead, not proof: several vessels may be candidates for one
	// detection. Default 3 each, cap 9.
	DarkVesselLead Weight

	// DarkEncounter: each time it lay alongside a vessel only a sensor
	// saw (a dark radar track, dark detections in repeated passes) long
	// enough for a transfer: the partner hid, as in a dark rendezvous.
	// Default 20 each, cap 40.
	DarkEncounter Weight

	// UnseenByRadar: each time its AIS positions lay well inside a working
	// radar's coverage, sweep after sweep, and the radar saw nothing
	// there: a position spoofed (GNSS or AIS), which a jump does not
	// betray when dragged off slowly. Default 15 each, cap 30.
	UnseenByRadar Weight

	// Workers is how many goroutines build profiles. Default GOMAXPROCS.
	Workers int
}

func def(w *Weight, points, cap float64) {
	if w.Points == 0 {
		w.Points = points
	}
	if w.Cap == 0 {
		w.Cap = cap
	}
	if w.Points < 0 {
		w.Points, w.Cap = 0, 0
	}
}

// withDefaults returns o with every default filled in.
func (o Options) withDefaults() Options {
	def(&o.WatchlistIMO, 60, 60)
	def(&o.WatchlistMMSI, 40, 40)
	def(&o.WatchlistName, 15, 15)
	def(&o.Encounter, 10, 30)
	def(&o.DarkRendezvous, 25, 50)
	def(&o.Loitering, 5, 15)
	def(&o.DarkVesselLead, 3, 9)
	def(&o.DarkEncounter, 20, 40)
	def(&o.UnseenByRadar, 15, 30)
	def(&o.IntentionalGap, 0.5, 30)
	def(&o.CoverageGap, 0.05, 5)
	def(&o.SharedMMSI, 30, 30)
	def(&o.ImpossibleSpeed, 10, 20)
	def(&o.InvalidMMSI, 10, 10)
	def(&o.InvalidIMO, 5, 5)
	def(&o.SharedIMO, 10, 10)
	def(&o.FlagChange, 20, 40)
	def(&o.NameChange, 10, 20)
	def(&o.IMOChange, 15, 30)
	def(&o.CallSignChange, 5, 10)
	def(&o.ShipTypeChange, 3, 6)
	def(&o.WatchlistContact, 20, 40)
	def(&o.NoIMO, 10, 10)
	return o
}
