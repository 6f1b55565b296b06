// Command devserver serves the map with the fixture API, for working on
// the map without a running pipeline:
//
//	cd web && npm ci && go run ./internal/devserver -addr 127.0.0.1:8090 -speed 60
//
// With -rebuild (the default) every load of the page rebuilds dist/ from
// src/ first, so an edit shows on reload.
package main

import (
	"flag"
	"log"
	"net/http"
	"sync"
	"time"

	"github.com/picket-ais/picket/web"
	"github.com/picket-ais/picket/web/internal/bundle"
	"github.com/picket-ais/picket/web/internal/fixture"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8090", "listen address")
	speed := flag.Float64("speed", 60, "virtual seconds per second of the fixture's clock (0 stops it)")
	start := flag.String("start", "", "virtual start time, RFC 3339 (default: 4 h before the fixture's last fix)")
	tiles := flag.String("tiles", "", "online raster tile URL template for /api/config, e.g. https://tile.example/{z}/{x}/{y}.png")
	rebuild := flag.Bool("rebuild", true, "rebuild dist/ from src/ on each page load (needs node_modules)")
	flag.Parse()

	opts := fixture.Options{Speed: *speed, Tiles: *tiles}
	fx, err := fixture.New(opts)
	if err != nil {
		log.Fatal(err)
	}
	_, last := fx.Span()
	opts.Start = last.Add(-4 * time.Hour)
	if *start != "" {
		if opts.Start, err = time.Parse(time.RFC3339, *start); err != nil {
			log.Fatal(err)
		}
	}
	if fx, err = fixture.New(opts); err != nil {
		log.Fatal(err)
	}

	mux := http.NewServeMux()
	mux.Handle("/api/", fx.Handler())
	if *rebuild {
		var mu sync.Mutex
		files := map[string][]byte{}
		static := http.FileServer(http.Dir("dist"))
		mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/" {
				mu.Lock()
				t := time.Now()
				built, err := bundle.Build(".")
				if err == nil {
					files = built
					err = bundle.Write("dist", files)
				}
				mu.Unlock()
				if err != nil {
					http.Error(w, err.Error(), http.StatusInternalServerError)
					return
				}
				log.Printf("rebuilt in %v", time.Since(t).Round(time.Millisecond))
			}
			w.Header().Set("Cache-Control", "no-store")
			static.ServeHTTP(w, r)
		}))
	} else {
		mux.Handle("/", web.Handler())
	}
	log.Printf("map on http://%s (fixture clock from %s at %gx)", *addr, opts.Start.Format(time.RFC3339), *speed)
	log.Fatal(http.ListenAndServe(*addr, mux))
}
