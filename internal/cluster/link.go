package cluster

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// The streams of a linked partner's account (federation.go).
const (
	relStream  = "PICKET_REL" // what this partner releases to the linked one
	inStream   = "PICKET_IN"  // sourced from what the linked partner releases to this one
	relSubject = "picket.rel."
	hdrOut     = "Picket-Out" // the output stream's sequence a released message was cut from
)

// relSubjectOf is the one subject a partner releases on.
func relSubjectOf(partner string) string { return relSubject + partner + ".out" }

// login is a user of the node's server.
type login struct{ user, pass string }

// linkConn is a linked partner's account on this node's server, as the
// node uses it: its connection in that account.
type linkConn struct {
	Link
	self       string // this partner
	user, pass string
	nc         *nats.Conn
	js         jetstream.JetStream
}

// federate sets the server up for the federation: JetStream domain f.Partner;
// an account for this partner (the cluster's own streams) and one per
// linked partner, each with JetStream; the leaf listener, which takes
// each linked partner's name and secret into that partner's account and
// no other; and a leaf remote for each link that dials, from the linked
// partner's account here. The node's own connections log in with
// passwords made afresh at each start.
func federate(so *server.Options, f *Federation) (login, []*linkConn, error) {
	var conf strings.Builder
	conf.WriteString("accounts {\n")
	fmt.Fprintf(&conf, "  %s: { jetstream: enabled }\n", f.Partner)
	for _, l := range f.Links {
		// The linked partner's account holds its two streams and no
		// more: the partner's servers, which reach its JetStream API over
		// the link, cannot make streams of their own here.
		fmt.Fprintf(&conf, "  %s: { jetstream: { max_streams: 2 } }\n", l.Partner)
	}
	conf.WriteString("}\n")
	parsed := &server.Options{}
	if err := parsed.ProcessConfigString(conf.String()); err != nil {
		return login{}, nil, fmt.Errorf("federation: accounts: %w", err)
	}
	accounts := map[string]*server.Account{}
	for _, a := range parsed.Accounts {
		accounts[a.Name] = a
	}
	so.Accounts = parsed.Accounts
	so.JetStreamDomain = f.Partner
	own := login{user: "picket", pass: randomSecret()}
	so.Users = append(so.Users, &server.User{Username: own.user, Password: own.pass, Account: accounts[f.Partner]})
	if f.LeafListen != "" {
		host, port, err := hostPort(f.LeafListen)
		if err != nil {
			return login{}, nil, fmt.Errorf("federation: leaf_listen %q: %w", f.LeafListen, err)
		}
		so.LeafNode.Host, so.LeafNode.Port = host, port
		so.LeafNode.NoAdvertise = f.NoAdvertise
	}
	so.LeafNode.ReconnectInterval = f.ReconnectWait
	var links []*linkConn
	for _, l := range f.Links {
		lc := &linkConn{Link: l, self: f.Partner, user: "picket-" + l.Partner, pass: randomSecret()}
		links = append(links, lc)
		so.Users = append(so.Users, &server.User{Username: lc.user, Password: lc.pass, Account: accounts[l.Partner]})
		if f.LeafListen != "" {
			so.LeafNode.Users = append(so.LeafNode.Users, &server.User{Username: l.Partner, Password: l.Secret, Account: server.NewAccount(l.Partner)})
		}
		if l.URL != "" {
			addr, err := leafAddr(l.URL)
			if err != nil {
				return login{}, nil, fmt.Errorf("federation: link %s: url %q: %w", l.Partner, l.URL, err)
			}
			so.LeafNode.Remotes = append(so.LeafNode.Remotes, &server.RemoteLeafOpts{
				LocalAccount: l.Partner,
				URLs:         []*url.URL{{Scheme: "nats-leaf", User: url.UserPassword(f.Partner, l.Secret), Host: addr}},
			})
		}
	}
	return own, links, nil
}

// randomSecret is a password for one of the node's own connections.
func randomSecret() string {
	b := make([]byte, 24)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// streams are the link's two streams: what this partner releases to the
// linked one, and what the linked one releases to this one, sourced from
// the linked partner's domain across the leaf link.
func (l *linkConn) streams(o Options) (rel, in jetstream.StreamConfig) {
	f := o.Federation
	rel = jetstream.StreamConfig{Name: relStream, Subjects: []string{relSubject + l.self + ".>"}, Replicas: o.Replicas,
		Storage: jetstream.FileStorage, MaxAge: f.RelMaxAge, Duplicates: dupWindow}
	in = jetstream.StreamConfig{Name: inStream, Replicas: o.Replicas, Storage: jetstream.FileStorage, MaxAge: f.RelMaxAge,
		Sources: []*jetstream.StreamSource{{Name: relStream, External: &jetstream.ExternalStream{APIPrefix: "$JS." + l.Partner + ".API"}}}}
	return rel, in
}
