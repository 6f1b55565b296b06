// Package places loads the geography and the lists the detectors ask
// about (detect.Places): the coastline, ports and anchorages, the user's
// zones and watchlists. `picket analyze`, `picket serve` and the quality
// test load them here, so that what is measured is what ships.
package places
