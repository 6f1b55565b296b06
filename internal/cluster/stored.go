package cluster

import (
	"context"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// publishStored publishes m and returns once its stream has stored it,
// trying again 200 ms after each refusal (each try given 5 s) until it is
// stored or ctx ends. Before each try, ready (when not nil) may hold it
// back, returning only with ctx's error. retrying is told of each refusal.
// m carries a message id, so a try that was stored but not answered is
// not stored twice.
func publishStored(ctx context.Context, js jetstream.JetStream, m *nats.Msg, ready func(context.Context) error, retrying func(error)) error {
	for {
		if ready != nil {
			if err := ready(ctx); err != nil {
				return err
			}
		}
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, err := js.PublishMsg(pctx, m)
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		retrying(err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
