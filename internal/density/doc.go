// Package density counts traffic on a grid, the way Global Fishing
// Watch's presence maps do: a cell's value is vessel-hours, the number of
// distinct (vessel, UTC hour) pairs with at least one position in the
// cell, so a ship reporting every two seconds weighs no more than one
// reporting every three minutes, and a ship that stayed a day counts 24.
// Each cell also carries the distinct vessels and the positions it holds,
// and its vessel-hours by UTC hour of day (ByHour), so that what is
// usual at a place can be told at each time of day.
//
// # Use
//
//	g, err := density.NewGrid(0.1, bbox) // cells of 0.1°, within bbox
//	for each vessel, in time order:
//		g.Add(mmsi, unixMs, lat, lon)
//	cells := g.Cells() // non-empty cells, west to east, south to north
//
// What goes in is the caller's business: the server adds only the
// positions the request's partner may see, so that a partner's density
// never counts what another partner's feeds alone heard.
//
// # Concurrency
//
// A Grid is not safe for concurrent use.
package density
