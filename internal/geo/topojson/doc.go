// Package topojson decodes the part of TopoJSON that the Natural Earth land files of the
// world-atlas npm package use: a quantized topology (delta-encoded integer arcs plus a
// scale/translate transform) whose named object is a GeometryCollection of Polygons and
// MultiPolygons. The shore-grid generator and the tests that check the grid against the
// exact coastline read it, and so does the case file (internal/casefile), which draws its
// map on the embedded 1:50m land.
//
// The format is specified at https://github.com/topojson/topojson-specification.
package topojson
