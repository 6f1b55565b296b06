package radar

// Origin is where the radar is: its fixed site, or the own ship's latest
// valid fix (GGA/RMC); ok false before a ship's radar has given one. The
// map draws the radar's coverage around it.
func (r *Reader) Origin() (lat, lon float64, ok bool) {
	if r.opts.HasSite {
		return r.opts.Site[0], r.opts.Site[1], true
	}
	if r.fixAt < 0 || !r.fix.Valid {
		return 0, 0, false
	}
	return r.fix.Lat, r.fix.Lon, true
}
