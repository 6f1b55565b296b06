// Package detection reads vessel detections made by other sensors than
// AIS (satellite radar, SAR; satellite optical; VIIRS night lights) and
// correlates them with the AIS tracks of a
// batch run: each detection is explained by an AIS vessel (matched, with
// its MMSI and the distance) or is dark, and a dark detection becomes a
// dark_vessel event naming the vessels in an AIS gap that could have been
// there.
//
// # Input
//
// Detections are CSV with a header (csv.go). The columns of Global
// Fishing Watch's published Sentinel-1 detections are read as they are:
// detect_timestamp (or timestamp), detect_lat / detect_lon (or lat / lon),
// length_m, presence_score (or presence, score), scene_id, detect_id and
// mmsi (GFW's own match, kept but not trusted: picket matches against the
// AIS it was given). heading, and a scene's footprint and acquisition time
// (footprint_wkt, footprint, wkt or geometry, as WKT or a GeoJSON
// polygon; scene_time) may be columns of the same file or rows of a
// scenes file (ReadScenes: scene_id, time, footprint), which is how GFW
// publishes its footprints. Every row is used or counted under a reason
// with the first example, as picket's AIS CSV reader does; a detection
// outside its scene's footprint is refused (counted), because the
// footprint is what says where the satellite looked.
//
// Optical detections (Sentinel-2, Landsat, PlanetScope vessel detectors:
// time, lat, lon, length, heading, score, scene id) take the same
// columns; a file's rows are SAR unless ReadSensor is told optical or a
// sensor column says (sar, optical or eo, row by row; any other value is
// counted as a reason). Their sensor is "optical", in events and exports.
//
// NOAA Earth Observation Group's VIIRS boat detections (night lights) are
// read in their published columns too: id_Key, Date_Mscan, Lat_DNB,
// Lon_DNB, QF_Detect and File_DNB (the granule, taken as the scene). The
// quality flag keeps boats (1 strong, 2 weak, 3 blurry, 10 weak and
// blurry, confidence 0.9, 0.6, 0.6, 0.5) and counts the rest by what they
// are (4 gas flare, 8 recurring light, 11 platform, 5-7 and 9 false
// detections); their sensor is "viirs".
//
// # Correlation
//
// Correlate (correlate.go) places every AIS track at the detection's time
// (interpolated between the fixes around it when they are close enough,
// or carried on from the nearest fix within Options.Window), and takes the
// tracks within Options.ToleranceM (1.5 km, as Skylight's correlation)
// as possible explanations. Within a scene each AIS track explains at
// most one detection, and the scene is matched as a whole (match.go): the
// pairs at the least total cost, a minimum-cost assignment (assign.go)
// for each group of pairs that compete, a pair's cost its distance,
// length and heading disagreements squared in units of their spreads. A
// detection left unexplained is dark; its
// candidates (candidates.go) are the MMSIs whose AIS gap covers its time
// and whose reachable area (Options.MaxSpeedKn from the last fix before
// and to the first fix after) contains it.
//
// # Scope
//
// `picket analyze --detections` keeps the tracks of the run
// and correlates once the AIS is read. Radar tracks (package radar) are
// correlated through Correlate too, plot by plot. DarkEncounters
// (encounter.go) finds AIS vessels alongside dark objects (a dark radar
// track, or a sensor's dark detections taken together) for the
// encounter duration: dark_encounter events. The live server takes
// detections through package sightings, with the same correlation.
// Layout tells a file's layout from its header.
//
// # Concurrency
//
// Reading and correlating are plain functions over values; a Set is not
// changed by Correlate and may be shared once read.
package detection
