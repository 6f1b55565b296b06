package main

// loadPorts returns the nearest-port lookup: the built-in world list, or
// the user's file.
func loadPorts(path string) (func(lat, lon, maxM float64) (string, float64, bool), error) {
	return nil, nil
}
