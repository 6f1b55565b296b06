package cluster

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Federation links a partner's cluster to other partners' clusters
// (docs/cluster.md, "Federation"). Each partner's cluster is its own
// JetStream domain, named after the partner; the clusters link as NATS
// leaf nodes. On each server every linked partner has an account of its
// own, named after it, which holds only what this partner releases to it
// and what it released to this partner:
//
//   - PICKET_REL (subjects picket.rel.<this partner>.>): the outputs of
//     this cluster's owners, each cut down by the exporter to the records
//     the linked partner is cleared for (export.go). Nothing else is ever
//     published in the account.
//   - PICKET_IN: sourced, across the leaf link, from the PICKET_REL the
//     linked partner keeps for this one in its own domain. JetStream
//     resumes the source from its last sequence after the link drops.
//
// The link (one leaf connection) joins the account named after the
// partner on one side with the account named after this partner on the
// other, and nothing else: the partner's server cannot name any other
// account here, so whatever runs there (a probe, a tampered node) reaches
// the two streams of its own account and nothing of this cluster's own
// account, where its lines, outputs and leases are.
type Federation struct {
	// Partner is this deployment's partner (as in its feeds' partner and
	// labels): its account and its JetStream domain. Required.
	Partner string
	// LeafListen is where linked partners' servers connect (host:port).
	// Default: nobody connects here; every link dials out.
	LeafListen string
	// NoAdvertise keeps the leaf listeners of this cluster's other nodes
	// from being told to linked partners: their links dial only the
	// addresses in their config (a proxy, a NAT). Default false: a
	// partner's link learns every node's leaf address and can fail over.
	NoAdvertise bool
	// Links are the partners this one exchanges data with.
	Links []Link
	// RelMaxAge is how long what is released to a partner is kept for
	// it: a link down for longer loses what is older. Default 7 days.
	RelMaxAge time.Duration
	// ReconnectWait is how long a dropped link waits before it dials
	// again. Default 1 s.
	ReconnectWait time.Duration
}

// Link is one linked partner.
type Link struct {
	// Partner is the linked partner's name: its account here, and its
	// JetStream domain. Required.
	Partner string
	// URL, when set, is the partner's leaf listen address (host:port or
	// nats-leaf://host:port): this side dials. When empty the partner
	// dials this side's LeafListen. One side of each pair dials.
	URL string
	// Secret is the pair's shared secret: the side that dials logs in as
	// its own partner name with it; the side that listens accepts the
	// partner's name with it, into the partner's account only. Required,
	// at least 16 bytes.
	Secret string
}

// minSecret is the shortest secret a link takes.
const minSecret = 16

// WithDefaults returns f with its defaults filled in.
func (f Federation) WithDefaults() Federation {
	if f.RelMaxAge == 0 {
		f.RelMaxAge = 7 * 24 * time.Hour
	}
	if f.ReconnectWait == 0 {
		f.ReconnectWait = time.Second
	}
	return f
}

// Validate checks the federation (after WithDefaults); its errors name
// the setting and what is wrong with it.
func (f *Federation) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("federation: "+format, args...)) }
	switch {
	case f.Partner == "":
		bad("partner: required (this deployment's partner, e.g. JPN: its account and JetStream domain)")
	case !validToken(f.Partner):
		bad("partner %q: letters, digits, '-' and '_' only, at most 64", f.Partner)
	}
	if f.LeafListen != "" {
		if err := checkHostPort(f.LeafListen); err != nil {
			bad("leaf_listen %q: %v", f.LeafListen, err)
		}
	}
	if len(f.Links) == 0 {
		bad("links: none (name at least one partner to link to)")
	}
	seen := map[string]bool{}
	for i, l := range f.Links {
		where := fmt.Sprintf("links[%d] (%s)", i, l.Partner)
		switch {
		case l.Partner == "":
			bad("links[%d]: partner: required", i)
		case !validToken(l.Partner):
			bad("%s: partner: letters, digits, '-' and '_' only, at most 64", where)
		case l.Partner == f.Partner:
			bad("%s: partner: this deployment's own partner", where)
		case seen[l.Partner]:
			bad("%s: partner: linked twice", where)
		}
		seen[l.Partner] = true
		if l.URL == "" && f.LeafListen == "" {
			bad("%s: url: required when there is no leaf_listen (one side of each pair dials the other)", where)
		}
		if l.URL != "" {
			if _, err := leafAddr(l.URL); err != nil {
				bad("%s: url %q: %v", where, l.URL, err)
			}
		}
		if len(l.Secret) < minSecret {
			bad("%s: secret: at least %d bytes (both sides of the pair have the same)", where, minSecret)
		}
	}
	if f.RelMaxAge < time.Minute {
		bad("rel_max_age %v: at least 1m", f.RelMaxAge)
	}
	if f.ReconnectWait < 10*time.Millisecond {
		bad("reconnect %v: at least 10ms", f.ReconnectWait)
	}
	return errors.Join(errs...)
}

// leafAddr returns a leaf URL's host:port.
func leafAddr(s string) (string, error) {
	a, err := routeAddr(strings.TrimPrefix(s, "nats-leaf://"))
	if err != nil {
		return "", errors.New("want host:port or nats-leaf://host:port")
	}
	return a, nil
}
