// Package node runs one picket node: `picket serve`. A node is the
// embedded store, the access registry and audit log of its data
// directory, the live pipeline over its feeds (package live) and the
// HTTP server (package server), started and stopped in one order:
//
//  1. Read and check everything that can be wrong before anything opens:
//     the config's durations and feeds (each feed kind checks its own),
//     the places (ports, zones, watchlists), the detector thresholds, the
//     feeds' labels against the partners of access.json.
//  2. Open the store; give each feed its provenance bit by name (the bits
//     are kept in access.json and with the store, and a mismatch stops
//     the node before anything is written); open the access guard and
//     the audit log.
//  3. Make the pipeline (listener feeds bind here), bind the HTTP
//     listener, then run the server and the pipeline. With a `cluster:`
//     section (package cluster, docs/cluster.md) the node first joins its
//     cluster: its embedded NATS server waits for its peers and the
//     streams, the feeds that name this node (or none) publish to the
//     cluster instead of the pipeline, and the store is kept from the
//     cluster's outputs; the pipeline then runs no feed.
//  4. On stop (ctx done): a cluster node stops its feeds and gives its
//     partitions back, and its read model stops; the pipeline drains in pipeline order (feeds
//     stop reading, what they decoded is tracked and detected, what is
//     open is closed as at the end of a file, the store writes
//     everything and syncs), then the HTTP server stops, then the store
//     closes. An HTTP server that fails stops the pipeline the same way.
//
// Config is the YAML file (LoadConfig, Example); Demo makes the demo's
// config, scenario and logins. Run runs a node until its context is done.
package node
