package node

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/picket-ais/picket/internal/cluster"
)

// FederationConfig is the `federation:` section of a config: the
// cluster is one partner's, linked to other partners' clusters
// (docs/cluster.md, "Federation"). It needs a `cluster:` section (a
// cluster of one is enough).
type FederationConfig struct {
	// Partner is this deployment's partner: its NATS account and its
	// JetStream domain. Required.
	Partner string `yaml:"partner"`
	// LeafListen is where linked partners' servers connect (host:port).
	LeafListen string `yaml:"leaf_listen"`
	// LeafNoAdvertise: linked partners dial only the addresses in their
	// config, never learn this cluster's other leaf addresses.
	LeafNoAdvertise bool `yaml:"leaf_no_advertise"`
	// RelMaxAge is how long what is released to a partner is kept for
	// it (a duration or days). Default 7d.
	RelMaxAge string `yaml:"rel_max_age"`
	// Reconnect is how long a dropped link waits before it dials again.
	// Default 1s.
	Reconnect string       `yaml:"reconnect"`
	Links     []LinkConfig `yaml:"links"`
}

// LinkConfig is a linked partner.
type LinkConfig struct {
	// Partner is the linked partner. Required.
	Partner string `yaml:"partner"`
	// URL is the partner's leaf listen address, when this side dials.
	URL string `yaml:"url"`
	// SecretFile holds the pair's shared secret (both sides have the
	// same). Required.
	SecretFile string `yaml:"secret_file"`
}

// maxSecretBytes bounds a secret file.
const maxSecretBytes = 4 << 10

// federation turns the section into the cluster's federation options,
// reading each link's secret; errors say which setting is wrong.
func (c *Config) federation() (*cluster.Federation, error) {
	fc := c.Federation
	if c.Cluster == nil {
		return nil, errors.New("federation: needs a cluster: section (a cluster of one, with no routes, is enough)")
	}
	f := &cluster.Federation{Partner: fc.Partner, LeafListen: fc.LeafListen, NoAdvertise: fc.LeafNoAdvertise}
	if fc.RelMaxAge != "" {
		d, err := ParseDays(fc.RelMaxAge)
		if err != nil {
			return nil, fmt.Errorf("federation: rel_max_age %v", err)
		}
		f.RelMaxAge = d
	}
	if fc.Reconnect != "" {
		d, err := time.ParseDuration(fc.Reconnect)
		if err != nil {
			return nil, fmt.Errorf("federation: reconnect %q: want a duration such as 1s", clipValue(fc.Reconnect))
		}
		f.ReconnectWait = d
	}
	for i, l := range fc.Links {
		link := cluster.Link{Partner: l.Partner, URL: l.URL}
		if l.SecretFile == "" {
			return nil, fmt.Errorf("federation: links[%d] (%s): secret_file: required (the pair's shared secret)", i, l.Partner)
		}
		if err := checkInput(fmt.Sprintf("federation: links[%d] (%s): secret_file", i, l.Partner), l.SecretFile, maxSecretBytes); err != nil {
			return nil, err
		}
		b, err := os.ReadFile(l.SecretFile)
		if err != nil {
			return nil, fmt.Errorf("federation: links[%d] (%s): secret_file: %w", i, l.Partner, err)
		}
		link.Secret = strings.TrimSpace(string(b))
		f.Links = append(f.Links, link)
	}
	fd := f.WithDefaults()
	return &fd, fd.Validate()
}

// linkedPartner reports whether partner is one this deployment links
// to: its feeds run on its own cluster, and this config lists them (name,
// partner, label) only so that what it releases here has their bits and
// labels.
func (c *Config) linkedPartner(partner string) bool {
	if c.Federation == nil {
		return false
	}
	for _, l := range c.Federation.Links {
		if l.Partner == partner {
			return true
		}
	}
	return false
}
