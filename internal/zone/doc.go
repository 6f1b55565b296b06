// Package zone holds the areas analysts watch — exclusive economic zones,
// territorial seas, known ship-to-ship hotspots — and answers which of them
// contain a point.
//
// Zones come from a GeoJSON FeatureCollection of Polygon or MultiPolygon
// features, each with a "name" property. Lookups test bounding boxes first,
// so a position far from every zone costs a few comparisons.
//
// A Set is safe for concurrent lookups once loaded.
package zone
