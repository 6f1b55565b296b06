package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/picket-ais/picket/internal/casefile"
	"github.com/picket-ais/picket/internal/node"
)

// webUI, when set, returns the handler of the embedded web map, served at
// "/". Hook for package web: a file of this package sets it in an init
// function (webUI = web.Handler); until then the server shows a
// placeholder page that links the API.
var webUI func() http.Handler

type serveFlags struct {
	config string
	listen string
	data   string
	print  bool
	debug  bool
}

func serveCommand() *cobra.Command {
	var fl serveFlags
	c := &cobra.Command{
		Use:   "serve [--config picket.yaml]",
		Short: "Run the live maritime picture: feeds in, an API, a live stream and a map out",
		Long: `Serve ingests AIS from the feeds of a config file (TCP clients, TCP and UDP
listeners, file replays), tracks every vessel, runs every detector on the
data's own time, keeps positions, identities and events in an embedded store,
and serves the API (docs/api.md), a live stream of positions and alerts, the
web map, /metrics and /healthz.

Without --config it runs a demo: bundled real logs (Norway, a worldwide
satellite sample, a day on the Seine) replayed as live feeds, and a
simulated scenario with staged ship-to-ship transfers, dark periods and
spoofing and its satellite passes (SAR, VIIRS) delivered as detections, on a store in a temporary directory, so that ships and alerts
show at once.

Stop it with Ctrl-C: feeds stop, what was received is processed and stored,
then the server stops.`,
		Example: `  picket serve                         # the demo
  picket serve --config picket.yaml
  picket serve --print-config > picket.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if fl.print {
				_, err := io.WriteString(os.Stdout, node.Example)
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runServe(ctx, &fl, nil)
		},
	}
	f := c.Flags()
	f.StringVar(&fl.config, "config", "", "YAML config file (see --print-config); without it, the demo")
	f.StringVar(&fl.listen, "listen", "", "HTTP address, overriding the config's (default 127.0.0.1:8080)")
	f.StringVar(&fl.data, "data", "", "store directory, overriding the config's (the demo's default is a new temporary directory)")
	f.BoolVar(&fl.print, "print-config", false, "print an example config file and exit")
	f.BoolVar(&fl.debug, "debug", false, "debug logging")
	return c
}

// runServe runs a node from the flags until ctx is done; ready, when not
// nil, is called with the server's URL once it answers.
func runServe(ctx context.Context, fl *serveFlags, ready func(url string)) error {
	level := slog.LevelInfo
	if fl.debug {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	opts := node.Options{Logger: logger, Version: casefile.Version(version)}
	if webUI != nil {
		opts.UI = webUI()
	}
	var logins []node.Login
	if fl.config == "" {
		cfg, dir, ls, err := node.Demo(fl.data, logger)
		if err != nil {
			return err
		}
		// The demo's scenario (and its store, unless --data) go with it.
		defer os.RemoveAll(dir)
		opts.Config, logins = cfg, ls
		opts.AnyPort = fl.listen == ""
	} else {
		cfg, err := node.LoadConfig(fl.config)
		if err != nil {
			return asUsage(err)
		}
		if fl.data != "" {
			cfg.Data = fl.data
		}
		if cfg.Data == "" {
			return usageError{fmt.Errorf("%s: no data directory (data: DIR, or --data DIR)", fl.config)}
		}
		opts.Config = cfg
	}
	if fl.listen != "" {
		opts.Config.Listen = fl.listen
	}
	started := func(r node.Ready) {
		url := r.URL
		fmt.Fprintf(os.Stderr, "picket: serving %s (data in %s, %d feeds)\n", url, opts.Config.Data, len(opts.Config.Feeds))
		if logins != nil {
			fmt.Fprintf(os.Stderr, "picket: demo: each partner sees only what its feeds' labels release to it. Open one of:\n")
			for _, l := range logins {
				fmt.Fprintf(os.Stderr, "  %-34s %s#login=%s\n", l.Who, url, l.Secret)
			}
			fmt.Fprintf(os.Stderr, "picket: the API takes the same tokens: curl -H 'Authorization: Bearer <token>' %sapi/vessels; Ctrl-C to stop\n", url)
		}
		if ready != nil {
			ready(url)
		}
	}
	return asUsage(node.Run(ctx, opts, started))
}

// asUsage makes a mistake in a config a usage error (exit status 2).
func asUsage(err error) error {
	var ce *node.ConfigError
	if errors.As(err, &ce) {
		return usageError{err}
	}
	return err
}
