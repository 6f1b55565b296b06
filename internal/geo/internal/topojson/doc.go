// Package topojson decodes the part of TopoJSON that the Natural Earth land files of the
// world-atlas npm package use: a quantized topology (delta-encoded integer arcs plus a
// scale/translate transform) whose named object is a GeometryCollection of Polygons and
// MultiPolygons. It exists for the shore-grid generator and for tests that check the grid
// against the exact coastline; nothing in picket reads TopoJSON at run time.
//
// The format is specified at https://github.com/topojson/topojson-specification.
package topojson
