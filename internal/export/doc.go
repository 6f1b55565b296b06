// Package export writes events in the formats analysts open them in:
// GeoJSON (QGIS, any web map), KML (Google Earth, with a time slider), CSV
// (spreadsheets, pandas), GeoParquet (DuckDB, GDAL, GeoPandas) and NVG 2.0
// (NATO Vector Graphics, coalition C2 overlays; nvg.go). Tracks go out in
// the same formats (track.go), and zones too in NVG. The
// formats are one table (Formats): the server serves each at
// /api/export/events.<ext> and `picket analyze --export` writes each, from
// the same writer. Every column comes from one list (Columns); a position
// that is not known is left out (an empty cell, a null geometry), never
// written as 0,0.
//
// Adding a format is one file with its writer and one entry in Formats.
package export
