package main

import "github.com/picket-ais/picket/web"

// The embedded web map is served at "/" by picket serve.
func init() { webUI = web.Handler }
