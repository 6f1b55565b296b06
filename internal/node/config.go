package node

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/picket-ais/picket/internal/alert"
	"github.com/picket-ais/picket/internal/cot"
	"github.com/picket-ais/picket/internal/live"
	"github.com/picket-ais/picket/internal/server"
	"github.com/picket-ais/picket/internal/watchlist"
)

// ConfigError is a mistake in a config: the command that read it exits
// with a usage status, and the message says what and where.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

func configError(err error) error { return &ConfigError{err} }

// Config is the YAML file of `picket serve --config`: a node's store,
// feeds, places, access and limits.
type Config struct {
	// Listen is the HTTP address. Default 127.0.0.1:8080.
	Listen string `yaml:"listen"`
	// Data is the store's directory. Required in a config file.
	Data string `yaml:"data"`
	// Retention drops data older than this (a duration such as 2160h, or
	// days: 90d). Default: keep everything.
	Retention string `yaml:"retention"`
	// StaleAfter is how old a vessel's last position may be and the
	// vessel still be on the map. Default 1h.
	StaleAfter string `yaml:"stale_after"`
	// Detect is a file of detector thresholds (picket analyze --print-config).
	Detect     string       `yaml:"detect"`
	Watchlists []string     `yaml:"watchlists"`
	Zones      string       `yaml:"zones"`
	Ports      string       `yaml:"ports"`
	Feeds      []FeedConfig `yaml:"feeds"`
	// Stage, when set, runs beside the pipeline until the node stops
	// (the demo delivers its scenario's satellite passes with it). Not
	// in a file.
	Stage func(ctx context.Context, p *live.Pipeline) `yaml:"-"`
	// Cluster makes the node one of a cluster (docs/cluster.md).
	// Default: none, the node runs alone.
	Cluster *ClusterConfig `yaml:"cluster"`
	// Federation links the cluster to other partners' clusters
	// (docs/cluster.md). Default: none.
	Federation *FederationConfig `yaml:"federation"`
	// Map configures the web map: an optional online tile URL, where it
	// opens.
	Map server.MapConfig `yaml:"map"`
	// TLS serves HTTPS with this certificate and key (PEM files).
	TLS struct {
		Cert string `yaml:"cert"`
		Key  string `yaml:"key"`
	} `yaml:"tls"`
	// Alerts configures the watch floor: the webhooks users' alert rules
	// may post to (each for one partner's rules).
	Alerts struct {
		Webhooks []alert.Webhook `yaml:"webhooks"`
	} `yaml:"alerts"`
	// CoT streams vessels and alerts to TAK as Cursor on Target, each
	// stream with a partner's clearance (package cot).
	CoT []CoTConfig `yaml:"cot"`
	// Limits bound what one client may ask.
	Limits struct {
		// RatePerSecond and Burst: requests per token. Defaults 50 and 200.
		RatePerSecond float64 `yaml:"rate_per_second"`
		Burst         int     `yaml:"burst"`
		// LoginsPerMinute: login attempts per client address. Default 10.
		LoginsPerMinute float64 `yaml:"logins_per_minute"`
		// MaxBodyBytes: request bodies. Default 1 MiB.
		MaxBodyBytes int64 `yaml:"max_body_bytes"`
		// MaxStreams, MaxStreamsPerUser, MaxStreamsPerToken: live streams
		// open at once. Defaults 256, 16 and 8.
		MaxStreams         int `yaml:"max_streams"`
		MaxStreamsPerUser  int `yaml:"max_streams_per_user"`
		MaxStreamsPerToken int `yaml:"max_streams_per_token"`
		// MaxConns, MaxConnsPerAddress: connections open at once, in
		// total and per client address. Defaults: half the open-file
		// limit (at most 4,096) and 64.
		MaxConns           int `yaml:"max_conns"`
		MaxConnsPerAddress int `yaml:"max_conns_per_address"`
	} `yaml:"limits"`
}

// CoTConfig is one Cursor on Target stream of a Config.
type CoTConfig struct {
	Name     string `yaml:"name"`
	Partner  string `yaml:"partner"`  // whose clearance it has
	Protocol string `yaml:"protocol"` // tcp (default) or udp
	Address  string `yaml:"address"`  // host:port
	// MinInterval and Stale are durations (10s, 10m); defaults 10 s and
	// 10 min.
	MinInterval string `yaml:"min_interval"`
	Stale       string `yaml:"stale"`
	// TLS connects to a TAK Server's secure input: a client certificate
	// and key (PEM), the CA that signed the server's, and the server's
	// name when it is not the address's host.
	TLS struct {
		Cert       string `yaml:"cert"`
		Key        string `yaml:"key"`
		CA         string `yaml:"ca"`
		ServerName string `yaml:"server_name"`
	} `yaml:"tls"`
}

// options turns the config of a stream into cot.Options.
func (c CoTConfig) options() (cot.Options, error) {
	o := cot.Options{Name: c.Name, Partner: c.Partner, Network: c.Protocol, Address: c.Address}
	for _, d := range []struct {
		what, v string
		to      *time.Duration
	}{{"min_interval", c.MinInterval, &o.MinInterval}, {"stale", c.Stale, &o.Stale}} {
		if d.v == "" {
			continue
		}
		v, err := time.ParseDuration(d.v)
		if err != nil || v <= 0 {
			return o, fmt.Errorf("cot stream %s: %s %q: want a duration such as 10s", c.Name, d.what, d.v)
		}
		*d.to = v
	}
	if t := c.TLS; t.Cert != "" || t.Key != "" || t.CA != "" {
		if (t.Cert == "") != (t.Key == "") {
			return o, fmt.Errorf("cot stream %s: tls needs both cert and key", c.Name)
		}
		conf := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.ServerName}
		if t.Cert != "" {
			cert, err := tls.LoadX509KeyPair(t.Cert, t.Key)
			if err != nil {
				return o, fmt.Errorf("cot stream %s: tls: %w", c.Name, err)
			}
			conf.Certificates = []tls.Certificate{cert}
		}
		if t.CA != "" {
			pem, err := os.ReadFile(t.CA)
			if err != nil {
				return o, fmt.Errorf("cot stream %s: tls ca: %w", c.Name, err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return o, fmt.Errorf("cot stream %s: tls ca %s: no PEM certificate in it", c.Name, t.CA)
			}
			conf.RootCAs = pool
		}
		o.TLS = conf
	}
	return o, o.Check()
}

// FeedConfig is one feed of a Config.
type FeedConfig struct {
	Name    string `yaml:"name"`
	Partner string `yaml:"partner"`
	Label   string `yaml:"label"`
	Kind    string `yaml:"kind"` // tcp, tcp-listen, udp, file, radar, detections
	Address string `yaml:"address"`
	// Site is a fixed radar's [lat, lon] (radar only).
	Site []float64 `yaml:"site"`
	// RangeNM is a radar's range in nautical miles, for the map's
	// coverage circle (radar only). Default: the farthest plot seen.
	RangeNM float64 `yaml:"range_nm"`
	// Path is the file or directory a detections feed watches for
	// delivered files; Format their layout (auto, gfw-sar, viirs);
	// Scenes a file of scene footprints (detections only).
	Path    string  `yaml:"path"`
	Format  string  `yaml:"format"`
	Scenes  string  `yaml:"scenes"`
	File    string  `yaml:"file"`
	Speed   float64 `yaml:"speed"`
	Skip    string  `yaml:"skip"`
	Rebase  bool    `yaml:"rebase"`
	TZ      string  `yaml:"tz"`
	Reorder string  `yaml:"reorder"`
	// Node, in a cluster, is the node that runs the feed; every node
	// lists every feed of the cluster (for the feeds' bits and labels)
	// and runs those that name it or no node. Ignored without a cluster.
	Node string `yaml:"node"`
}

// Example is an example config file, every setting explained
// (`picket serve --print-config`).
const Example = `# picket serve --config picket.yaml
listen: 127.0.0.1:8080
data: /var/lib/picket          # the store's directory
retention: 90d                 # drop data older than this (data time); omit to keep all
stale_after: 1h                # vessels not heard for this long leave the map
# Partners, users and tokens live in the data directory: picket partner add,
# picket user add, picket token create (see docs/security.md). Every request
# but /healthz and the map's files needs a token or a login.
# tls:                         # serve HTTPS
#   cert: /etc/picket/cert.pem
#   key: /etc/picket/key.pem
# limits:
#   rate_per_second: 50        # requests per token
#   burst: 200
#   logins_per_minute: 10      # login attempts per client address
#   max_body_bytes: 1048576
#   max_streams: 256           # live streams open at once: on the server,
#   max_streams_per_user: 16   # per user,
#   max_streams_per_token: 8   # per token
#   max_conns: 4096            # connections open at once, in total
#   max_conns_per_address: 64  # and per client address (IPv6: per /64)
# detect: thresholds.yaml      # picket analyze --print-config
# watchlists: [un1718, eu, ofac, sdn.csv]   # built-in lists by name, or files
# zones: zones.geojson
# ports: ports.csv
# alerts:                      # users' alert rules post to these (docs/web.md)
#   webhooks:
#     - name: jpn-ops           # what a rule names
#       partner: JPN            # whose rules may use it (they see only what JPN may)
#       url: https://ops.example.org/picket
#       secret: change-me       # signs each body: X-Picket-Signature: sha256=<hex HMAC>
#       # queue: 1000           # alerts waiting at most; more are dropped and counted
#       # attempts: 6           # tries per alert, waiting 1 s, 2 s, 4 s... between
# cot:                         # Cursor on Target to TAK: vessels and alerts as a partner may see them
#   - name: jpn-tak
#     partner: JPN              # whose clearance the stream has; its marking in each event
#     protocol: tcp             # tcp: a TAK Server's streaming input; udp: a multicast group
#     address: takserver.example.org:8087
#     # min_interval: 10s       # at most one position per vessel per interval
#     # stale: 10m              # how long TAK keeps a contact
#     # tls:                    # a TAK Server's secure input (8089): client certificate, its CA
#     #   cert: picket.pem
#     #   key: picket.key
#     #   ca: takserver-ca.pem
#   - name: sa-multicast
#     partner: USA
#     protocol: udp
#     address: 239.2.3.1:6969
# map:                         # the web map works offline; an online basemap is optional
#   tiles: https://tiles.example.org/{z}/{x}/{y}.png
#   tiles_attribution: "© the tile provider"
#   center: [127.5, 35.5]      # lon, lat where the map opens
#   zoom: 5
# cluster:                     # run as one node of a cluster (docs/cluster.md); omit to run alone
#   name: node1                # unique in the cluster
#   listen: 0.0.0.0:6222       # the peers' routes connect here
#   routes: [node1.example.org:6222, node2.example.org:6222, node3.example.org:6222]
#   replicas: 3                # copies of every stream (default 3, at most the nodes named)
#   partitions: 16             # MMSI partitions of the raw lines
#   store_dir: /var/lib/picket/jetstream   # default: DATA/jetstream
#   lease: 3s                  # a dead node's partitions are taken over after this
#   lines_max_age: 24h         # raw lines kept (a node taking a partition over replays them)
#   (in a cluster every node lists every feed; a feed with node: NAME runs on that node only)
# federation:                  # link this partner's cluster to other partners' (docs/cluster.md); needs cluster:
#   partner: JPN               # this deployment: its NATS account and JetStream domain
#   leaf_listen: 0.0.0.0:7422  # linked partners dial here
#   links:                     # each gets only what the feeds' labels release to it
#     - {partner: KOR, secret_file: /etc/picket/jpn-kor.secret}            # KOR dials here
#     - {partner: GBR, url: gbr.example.org:7422, secret_file: /etc/picket/gbr-jpn.secret}
#   (a linked partner's feeds are listed with name, partner and label only)
feeds:
  - name: jpn-coast            # shown in metrics and logs; provenance of every record
    partner: JPN               # owning partner
    label: REL TO JPN, USA     # releasability label, kept for access control
    kind: tcp                  # connect to a feed server, reconnect with backoff
    address: ais.example.org:5631
  - name: receivers
    partner: USA
    label: REL TO FVEY
    kind: tcp-listen           # receivers connect here and push NMEA
    address: 0.0.0.0:5632
  - name: udp-receivers
    partner: USA
    label: REL TO FVEY
    kind: udp                  # receivers send datagrams here
    address: 0.0.0.0:5633
  - name: archive
    partner: NOR
    label: REL TO NATO
    kind: file                 # replay a log as if live
    file: archive.nmea.gz
    speed: 0                   # 0: as fast as possible; 1: in its own time; 60: a minute per second
    # skip: 10h                # play the first 10 h of data at once, then pace
    # rebase: true             # shift the log's times to now (speed must be at most 1)
    # tz: Europe/Paris         # for logs stamped in local time
    # reorder: 30m             # any feed: hold reports this long to put them back in time order (satellite)
  - name: coast-radar
    partner: KOR
    label: REL TO KOR, USA
    kind: radar                # an ARPA radar's NMEA output (TTM/TLL): dark vessels, dark encounters
    address: radar.example.org:10110   # its output over TCP; or file: radar.nmea (replayed as file is)
    site: [37.45, 126.6]       # a coast station's [lat, lon]; leave out for a ship's radar (its GGA/RMC)
    # range_nm: 24             # its range, for the map's coverage circle; default: the farthest target seen
  - name: kor-sar
    partner: KOR
    label: REL TO KOR, USA
    kind: detections           # satellite detections (docs/detection.md): dark vessels, dark encounters
    path: /var/spool/picket/sar   # a directory watched for delivered CSV files (or one file); leave out for uploads only
    format: gfw-sar            # gfw-sar (Global Fishing Watch's SAR layout), viirs (NOAA EOG's boat detections) or auto
    # scenes: footprints.csv   # scene footprints (scene_id, time, footprint_wkt) read with every delivery
    # (KOR's analysts may also POST a file to /api/detections?feed=kor-sar: docs/api.md)
`

// ParseDays reads a Go duration or a number of days ("90d").
func ParseDays(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseFloat(d, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("%q: want a duration such as 90d or 12h", s)
		}
		return time.Duration(n * 24 * float64(time.Hour)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q: want a duration such as 90d or 12h", s)
	}
	return d, nil
}

// LoadConfig reads and checks a config file; relative paths in it are
// relative to the file. A config that is wrong is a *ConfigError.
func LoadConfig(path string) (*Config, error) {
	if err := checkInput("config", path, maxConfigBytes); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return nil, configError(fmt.Errorf("%s: %s", path, withoutValues(err.Error())))
	}
	dir := filepath.Dir(path)
	rel := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	c.Data, c.Detect, c.Zones, c.Ports = rel(c.Data), rel(c.Detect), rel(c.Zones), rel(c.Ports)
	c.TLS.Cert, c.TLS.Key = rel(c.TLS.Cert), rel(c.TLS.Key)
	for i := range c.CoT {
		t := &c.CoT[i].TLS
		t.Cert, t.Key, t.CA = rel(t.Cert), rel(t.Key), rel(t.CA)
	}
	if (c.TLS.Cert == "") != (c.TLS.Key == "") {
		return nil, configError(fmt.Errorf("%s: tls needs both cert and key", path))
	}
	for _, s := range c.CoT {
		if _, err := s.options(); err != nil {
			return nil, configError(fmt.Errorf("%s: %w", path, err))
		}
	}
	for i, w := range c.Watchlists {
		if !watchlist.IsBuiltin(w) {
			c.Watchlists[i] = rel(w)
		}
	}
	for i := range c.Feeds {
		f := &c.Feeds[i]
		f.File, f.Path, f.Scenes = rel(f.File), rel(f.Path), rel(f.Scenes)
	}
	if c.Federation != nil {
		for i := range c.Federation.Links {
			c.Federation.Links[i].SecretFile = rel(c.Federation.Links[i].SecretFile)
		}
	}
	if c.Cluster != nil || c.Federation != nil {
		if c.Cluster != nil {
			c.Cluster.StoreDir = rel(c.Cluster.StoreDir)
		}
		if _, err := c.clusterOptions(); err != nil {
			return nil, configError(fmt.Errorf("%s: %w", path, err))
		}
	}
	inputs := []struct {
		what, path string
		max        int64
	}{{"detect", c.Detect, maxConfigBytes}, {"zones", c.Zones, maxDataBytes}, {"ports", c.Ports, maxDataBytes},
		{"tls cert", c.TLS.Cert, maxConfigBytes}, {"tls key", c.TLS.Key, maxConfigBytes}}
	for _, w := range c.Watchlists {
		if watchlist.IsBuiltin(w) {
			continue
		}
		inputs = append(inputs, struct {
			what, path string
			max        int64
		}{"watchlist", w, maxDataBytes})
	}
	for _, in := range inputs {
		if in.path == "" {
			continue
		}
		if err := checkInput(in.what, in.path, in.max); err != nil {
			return nil, configError(fmt.Errorf("%s: %w", path, err))
		}
	}
	return &c, nil
}

// Bounds on the files a config names that are read whole at start (the
// feeds' files are streamed): a config pointed at /dev/zero or a huge
// file fails at once, clearly, rather than after eating the memory.
const (
	maxConfigBytes = 1 << 20   // the config, detector thresholds, TLS files
	maxDataBytes   = 256 << 20 // zones, ports, watchlists
)

// checkInput refuses what is not a regular file (a device, a FIFO, a
// directory) or is larger than max bytes.
func checkInput(what, path string, max int64) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if !fi.Mode().IsRegular() {
		return configError(fmt.Errorf("%s %s: not a regular file", what, path))
	}
	if fi.Size() > max {
		return configError(fmt.Errorf("%s %s: %d bytes, at most %d", what, path, fi.Size(), max))
	}
	return nil
}

// withoutValues takes out of a YAML error the values it quotes (between
// backquotes): a config pointed at the wrong file must not print that
// file's lines (a password file, a key) in the error.
func withoutValues(msg string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(msg, '`')
		if i < 0 {
			break
		}
		j := strings.IndexByte(msg[i+1:], '`')
		if j < 0 {
			break
		}
		b.WriteString(msg[:i])
		b.WriteString("(a value)")
		msg = msg[i+1+j+1:]
	}
	b.WriteString(msg)
	return b.String()
}

// LiveFeeds turns the config's feeds into the pipeline's.
func (c *Config) LiveFeeds() ([]live.Feed, error) {
	var out []live.Feed
	for i, f := range c.Feeds {
		lf := live.Feed{Name: f.Name, Partner: f.Partner, Label: f.Label, Kind: live.Kind(f.Kind), Address: f.Address,
			File: f.File, Speed: f.Speed, Rebase: f.Rebase, Format: f.Format, Scenes: f.Scenes, RangeM: f.RangeNM * 1852}
		switch {
		case f.Path != "" && f.File != "":
			return nil, fmt.Errorf("feed %d (%s): path and file: give one", i+1, f.Name)
		case f.Path != "" && lf.Kind != live.Detections:
			return nil, fmt.Errorf("feed %d (%s): path is for detections feeds (kind: detections); a %s feed reads file:", i+1, f.Name, f.Kind)
		case f.Path != "":
			lf.File = f.Path
		}
		if (f.Format != "" || f.Scenes != "") && lf.Kind != live.Detections {
			return nil, fmt.Errorf("feed %d (%s): format and scenes are for detections feeds (kind: detections)", i+1, f.Name)
		}
		if f.RangeNM < 0 || f.RangeNM > 0 && lf.Kind != live.Radar {
			return nil, fmt.Errorf("feed %d (%s): range_nm %g: a radar's range, above 0", i+1, f.Name, f.RangeNM)
		}
		switch {
		case len(f.Site) == 2:
			lf.Site = &[2]float64{f.Site[0], f.Site[1]}
		case len(f.Site) != 0:
			return nil, fmt.Errorf("feed %d (%s): site %v: want [lat, lon]", i+1, f.Name, f.Site)
		}
		if f.Skip != "" {
			d, err := ParseDays(f.Skip)
			if err != nil {
				return nil, fmt.Errorf("feed %d (%s): skip %v", i+1, f.Name, err)
			}
			lf.Skip = d
		}
		if f.Reorder != "" {
			d, err := ParseDays(f.Reorder)
			if err != nil {
				return nil, fmt.Errorf("feed %d (%s): reorder %v", i+1, f.Name, err)
			}
			lf.Reorder = d
		}
		if f.TZ != "" {
			loc, err := time.LoadLocation(f.TZ)
			if err != nil {
				return nil, fmt.Errorf("feed %d (%s): tz %q: unknown time zone", i+1, f.Name, f.TZ)
			}
			lf.Location = loc
		}
		out = append(out, lf)
	}
	return out, nil
}
