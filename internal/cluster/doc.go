// Package cluster runs picket's core across several nodes on NATS
// JetStream, embedded in the binary (github.com/nats-io/nats-server/v2):
// `picket serve` with a `cluster:` section in its config is one node of a
// cluster; without it picket runs alone and starts no bus at all.
//
//	feeds (any node) ──raw lines, by MMSI partition──► PICKET_LINES (R3)
//	PICKET_LINES ──picket.lines.<p>──► the owner of p: ingest.Stream,
//	                                   ingest.Core (one per partition)
//	             ──positions, identities, events──► PICKET_OUT (R3)
//	PICKET_OUT ──every node──► its store (the read model the API serves)
//
// Each node embeds a NATS server with JetStream, clustered with its peers
// over routes (Options.Listen, Options.Routes); the streams are replicated
// on Options.Replicas nodes. A node's feeds frame and decode each line
// only to learn its vessel, and publish the raw lines, with the feed's
// name and the message's time, to the partition of the vessel's MMSI
// (lines.go has the format); the publish is acknowledged once the stream
// has stored it on a majority of its replicas.
//
// Each partition is owned by one node at a time: a lease in a JetStream
// key-value bucket (lease.go). The owner reads the partition's lines from
// the start of the stream and runs the one core on them (worker.go), and
// publishes what it makes to the output stream. A node that dies stops
// renewing its leases; another takes its partitions within about
// Options.Lease, rebuilds their state by reading the same lines again
// (the core runs on the data's own times, so it is the same state), and
// publishes only what its predecessor had not. Outputs carry the id of
// the run of lines they cover, so one made twice in the streams'
// duplicate window is stored once; events are kept by id in the store.
//
// Every node applies every output to its own store (readmodel.go), so
// any node answers any request of the API, with the node's own feed bits
// (feeds are matched by name).
//
// What is not done: the core's state is not checkpointed (a new owner
// replays the partition's lines, up to Options.LinesMaxAge of them);
// pair detectors (encounter, dark rendezvous, shared IMO) see only the
// vessels of one partition, so pairs across partitions are not found;
// feeds' reorder windows are not applied. docs/cluster.md says more.
//
// # Federation
//
// With Options.Federation the cluster is one partner's, linked to other
// partners' clusters as NATS leaf nodes, each partner its own JetStream
// domain and, on each server, its own account (federation.go, link.go):
// the owners' outputs are cut down per linked partner to what it is
// cleared for and released into its account (export.go), and what each
// linked partner released is sourced across the link and applied to the
// store (fedlink.go).
//
// # Concurrency
//
// A Node's goroutines (its feeds, its read model, its lease loop and one
// worker per owned partition) are started by Start and stopped by Close
// (or Kill, which stops it as a crash would). Each worker and the read
// model own their state alone; Node's exported methods are safe for
// concurrent use.
package cluster
