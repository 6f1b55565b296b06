package node

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/picket-ais/picket/internal/cluster"
)

// ClusterConfig is the `cluster:` section of a config: the node is one of
// a cluster (docs/cluster.md). Without it the node runs alone, with no
// bus at all.
type ClusterConfig struct {
	// Name is this node's name, unique in the cluster. Required.
	Name string `yaml:"name"`
	// Listen is the host:port the peers' routes connect to. Required.
	Listen string `yaml:"listen"`
	// Routes are the peers' listen addresses (this node's own may be
	// among them, so that every node can be given one list).
	Routes []string `yaml:"routes"`
	// ClientListen is a NATS client address for tools. Default: a free
	// port of 127.0.0.1.
	ClientListen string `yaml:"client_listen"`
	// ClusterName: nodes of different names do not join. Default picket.
	ClusterName string `yaml:"cluster_name"`
	// Replicas of every stream. Default 3 (fewer when the routes name
	// fewer nodes).
	Replicas int `yaml:"replicas"`
	// Partitions of the raw lines by MMSI. Default 16.
	Partitions int `yaml:"partitions"`
	// StoreDir is JetStream's directory. Default DATA/jetstream.
	StoreDir string `yaml:"store_dir"`
	// Lease is how long a dead node's partitions wait before another
	// takes them (a duration). Default 3s.
	Lease string `yaml:"lease"`
	// LinesMaxAge is how long the raw lines are kept (a duration or
	// days). Default 24h.
	LinesMaxAge string `yaml:"lines_max_age"`
}

// clusterOptions turns the section into the cluster's options, with
// defaults, checked; errors say which setting is wrong.
func (c *Config) clusterOptions() (cluster.Options, error) {
	var fed *cluster.Federation
	if c.Federation != nil {
		var err error
		if fed, err = c.federation(); err != nil {
			return cluster.Options{}, err
		}
	}
	cc := c.Cluster
	o := cluster.Options{Federation: fed, Name: cc.Name, Listen: cc.Listen, Routes: cc.Routes, ClientListen: cc.ClientListen,
		ClusterName: cc.ClusterName, Replicas: cc.Replicas, Partitions: cc.Partitions, StoreDir: cc.StoreDir}
	if o.StoreDir == "" && c.Data != "" {
		o.StoreDir = filepath.Join(c.Data, "jetstream")
	}
	if cc.Lease != "" {
		d, err := time.ParseDuration(cc.Lease)
		if err != nil {
			return o, fmt.Errorf("cluster: lease %q: want a duration such as 3s", cc.Lease)
		}
		o.Lease = d
	}
	if cc.LinesMaxAge != "" {
		d, err := ParseDays(cc.LinesMaxAge)
		if err != nil {
			return o, fmt.Errorf("cluster: lines_max_age %v", err)
		}
		o.LinesMaxAge = d
	}
	o = o.WithDefaults()
	return o, o.Validate()
}
