package node

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestClusterConfig: a cluster section is read with its defaults, and a
// wrong one is refused saying which setting is wrong and why.
func TestClusterConfig(t *testing.T) {
	path := writeConfig(t, "data: store\ncluster:\n  name: n1\n  listen: 127.0.0.1:6222\n  routes: [127.0.0.1:6222, 127.0.0.1:6223, 'nats-route://127.0.0.1:6224']\n")
	c, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	o, err := c.clusterOptions()
	if err != nil {
		t.Fatal(err)
	}
	if o.Replicas != 3 || o.Partitions != 16 || o.StoreDir != filepath.Join(filepath.Dir(path), "store", "jetstream") || o.ClusterName != "picket" {
		t.Errorf("defaults: %+v", o)
	}
	// Without the section there is no cluster.
	c, err = LoadConfig(writeConfig(t, "data: store\n"))
	if err != nil || c.Cluster != nil {
		t.Fatalf("no section: %v %+v", err, c.Cluster)
	}
	for _, tc := range []struct{ body, want string }{
		{"cluster: {listen: 127.0.0.1:6222}", "cluster: name: required"},
		{"cluster: {name: 'a b', listen: 127.0.0.1:6222}", `cluster: name "a b": letters, digits`},
		{"cluster: {name: n1}", "cluster: listen: required"},
		{"cluster: {name: n1, listen: 6222}", `cluster: listen "6222": want host:port`},
		{"cluster: {name: n1, listen: 127.0.0.1:6222, routes: [peer]}", `cluster: routes[0] "peer": want host:port`},
		{"cluster: {name: n1, listen: 127.0.0.1:6222, routes: ['http://peer:1']}", `cluster: routes[0] "http://peer:1": want host:port or nats-route://host:port`},
		{"cluster: {name: n1, listen: 127.0.0.1:6222, replicas: 3}", "cluster: replicas 3: more than the 1 node(s) this node and its routes name"},
		{"cluster: {name: n1, listen: 127.0.0.1:6222, partitions: 5000}", "cluster: partitions 5000: want 1 to 1024"},
		{"cluster: {name: n1, listen: 127.0.0.1:6222, lease: soon}", `cluster: lease "soon": want a duration`},
		{"cluster: {name: n1, listen: 127.0.0.1:6222, lease: 10ms}", "cluster: lease 10ms: at least 500ms"},
		{"cluster: {name: n1, listen: 127.0.0.1:6222, replica: 3}", "field replica not found"},
	} {
		path := writeConfig(t, "data: store\n"+tc.body+"\n")
		_, err := LoadConfig(path)
		var ce *ConfigError
		if err == nil || !errors.As(err, &ce) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: got %v, want a config error in %s saying %q", tc.body, err, path, tc.want)
		}
	}
}
