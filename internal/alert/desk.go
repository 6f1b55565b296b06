package alert

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/picket-ais/picket/internal/live"
	"github.com/picket-ais/picket/internal/zone"
)

// Options configures a Desk. The zero value keeps rules and alerts in
// memory only, with no zones and no webhooks.
type Options struct {
	// Dir is where File is kept (the node's data directory); "" keeps
	// everything in memory.
	Dir string
	// Zones are the zones a rule may name; nil for none.
	Zones *zone.Set
	// Webhooks are the URLs alerts may be posted to, each of one partner.
	Webhooks []Webhook
	// Buffer is the size of each partner's hub subscription (messages).
	// Default 65,536: a rule must not miss a crossing in a burst.
	Buffer int
	// Recheck is how often the partners' clearances are checked again.
	// Default 1 s.
	Recheck time.Duration
	// Now is the clock of Alert.Raised and of actions. Default time.Now.
	Now func() time.Time
	// Logger, Registerer: logs and metrics. Default none.
	Logger     *slog.Logger
	Registerer prometheus.Registerer
}

// Desk keeps the partners' rules and inboxes, runs their watchers and
// sends their webhooks. See the package documentation.
type Desk struct {
	opts  Options
	log   *slog.Logger
	hooks map[string]*sender // by name

	mu       sync.Mutex
	rules    map[string][]*compiled // by partner
	alerts   map[string][]*kept     // by partner, oldest first
	nextID   int64
	dirty    bool
	subs     map[*Subscription]struct{}
	watchers map[string]*watcher // by partner; owned by Run

	saveMu sync.Mutex // one write of the file at a time
	lib    library    // the partners' zones and watchlists (library.go)

	raised  *prometheus.CounterVec
	lagged  prometheus.Counter
	saveErr prometheus.Counter
}

// Open returns a desk with the rules and inbox kept in opts.Dir.
func Open(opts Options) (*Desk, error) {
	if opts.Buffer <= 0 {
		opts.Buffer = 1 << 16
	}
	if opts.Recheck <= 0 {
		opts.Recheck = time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	d := &Desk{opts: opts, log: opts.Logger, hooks: map[string]*sender{}, rules: map[string][]*compiled{},
		alerts: map[string][]*kept{}, subs: map[*Subscription]struct{}{}, watchers: map[string]*watcher{},
		raised: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "picket_alerts_raised_total",
			Help: "Alerts raised by users' rules, by kind."}, []string{"kind"}),
		lagged: prometheus.NewCounter(prometheus.CounterOpts{Name: "picket_alert_rules_dropped_total",
			Help: "Live messages the alert rules' subscriptions lost for lagging behind."}),
		saveErr: prometheus.NewCounter(prometheus.CounterOpts{Name: "picket_alerts_save_errors_total",
			Help: "Failed writes of the alert rules and inbox file."}),
	}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	for _, h := range opts.Webhooks {
		if err := h.check(); err != nil {
			return nil, err
		}
		if d.hooks[h.Name] != nil {
			return nil, fmt.Errorf("alert: webhook %q named twice", h.Name)
		}
		d.hooks[h.Name] = newSender(h, d.log)
	}
	if opts.Registerer != nil {
		cs := []prometheus.Collector{d.raised, d.lagged, d.saveErr}
		for _, s := range d.hooks {
			cs = append(cs, s.metrics()...)
		}
		for _, c := range cs {
			if err := opts.Registerer.Register(c); err != nil {
				d.log.Warn("metric not registered", "err", err)
			}
		}
	}
	if err := d.loadLibrary(); err != nil {
		return nil, err
	}
	if err := d.load(); err != nil {
		return nil, err
	}
	return d, nil
}

// Run evaluates the rules on hub's messages, each partner's through a
// subscription with the clearance clearance gives it (0: it sees
// nothing, and its rules are idle), checked again every Options.Recheck,
// and sends the webhooks (each alert only while clearance, asked again
// before each attempt, covers it), until ctx is done. It then writes the
// file.
func (d *Desk) Run(ctx context.Context, hub *live.Hub, clearance func(partner string) uint64) {
	var wg sync.WaitGroup
	for _, s := range d.hooks {
		wg.Add(1)
		go func() { defer wg.Done(); s.run(ctx, clearance) }()
	}
	tick := time.NewTicker(d.opts.Recheck)
	defer tick.Stop()
	for {
		d.reconcile(hub, clearance)
		d.flush()
		select {
		case <-ctx.Done():
			d.mu.Lock()
			ws := d.watchers
			d.watchers = map[string]*watcher{}
			d.mu.Unlock()
			for _, w := range ws {
				w.sub.Close()
				<-w.done
			}
			d.flush()
			wg.Wait()
			return
		case <-tick.C:
		}
	}
}

// reconcile gives each partner with rules a watcher of its current
// clearance: a watcher of a clearance that changed starts again from
// nothing (what it knew came through the old one).
func (d *Desk) reconcile(hub *live.Hub, clearance func(string) uint64) {
	d.mu.Lock()
	partners := make([]string, 0, len(d.rules))
	for p, rs := range d.rules {
		if len(active(rs)) > 0 {
			partners = append(partners, p)
		}
	}
	d.mu.Unlock()
	want := map[string]uint64{}
	for _, p := range partners {
		if c := clearance(p); c != 0 {
			want[p] = c
		}
	}
	d.mu.Lock()
	var stop []*watcher
	for p, w := range d.watchers {
		if c, ok := want[p]; !ok || c != w.clearance {
			stop = append(stop, w)
			delete(d.watchers, p)
		}
	}
	var start []*watcher
	for p, c := range want {
		if d.watchers[p] == nil {
			w := newWatcher(d, p, c)
			rs := active(d.rules[p])
			w.rules.Store(&rs)
			w.sub = hub.SubscribeBuffer(live.Filter{Positions: true, Alerts: true, Clearance: w.clearance}, d.opts.Buffer)
			d.watchers[p] = w
			start = append(start, w)
		}
	}
	d.mu.Unlock()
	for _, w := range stop {
		w.sub.Close()
		<-w.done
	}
	for _, w := range start {
		go w.run()
	}
}

func (d *Desk) dropped(partner string, n int64) {
	d.lagged.Add(float64(n))
	d.log.Warn("alert rules lagged behind the live pipeline: messages lost", "partner", partner, "lost", n)
}

// hookNames returns the names of a partner's webhooks.
func (d *Desk) hookNames(partner string) []string {
	var out []string
	for n, s := range d.hooks {
		if s.hook.Partner == partner {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// Webhooks returns the names of the webhooks a partner's rules may use.
func (d *Desk) Webhooks(partner string) []string { return d.hookNames(partner) }

// Zones returns the names of the zones a rule of partner may name: the
// node's, then the partner's own.
func (d *Desk) Zones(partner string) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := []string{}
	for _, z := range d.zonesLocked(partner).Zones {
		out = append(out, z.Name)
	}
	return out
}

// Rules returns a partner's rules, oldest first.
func (d *Desk) Rules(partner string) []Rule {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := []Rule{}
	for _, r := range d.rules[partner] {
		out = append(out, r.Rule)
	}
	return out
}

// AddRule checks r and adds it to partner's rules, made by user. The ID,
// partner, author and time are the desk's. The file is written before it
// returns.
func (d *Desk) AddRule(partner, user string, r Rule) (Rule, error) {
	r.Partner, r.CreatedBy, r.Created = partner, user, d.opts.Now().UTC()
	r.UpdatedBy, r.Updated = "", nil
	r.ID = newID()
	c, err := d.compileRule(r)
	if err != nil {
		return Rule{}, err
	}
	d.mu.Lock()
	if len(d.rules[partner]) >= MaxRules {
		d.mu.Unlock()
		return Rule{}, invalid("a partner keeps at most %d rules: delete one first", MaxRules)
	}
	d.rules[partner] = append(d.rules[partner], c)
	d.installLocked(partner)
	d.dirty = true
	d.mu.Unlock()
	return c.Rule, d.flush()
}

// DeleteRule deletes one of partner's rules (its alerts stay in the inbox).
func (d *Desk) DeleteRule(partner, id string) error {
	d.mu.Lock()
	rs := d.rules[partner]
	i := slices.IndexFunc(rs, func(c *compiled) bool { return c.ID == id })
	if i < 0 {
		d.mu.Unlock()
		return ErrNotFound
	}
	d.rules[partner] = slices.Delete(slices.Clone(rs), i, i+1)
	d.installLocked(partner)
	d.dirty = true
	d.mu.Unlock()
	return d.flush()
}

// installLocked gives the partner's watcher its rules as they are now.
func (d *Desk) installLocked(partner string) {
	if w := d.watchers[partner]; w != nil {
		rs := active(d.rules[partner])
		w.rules.Store(&rs)
	}
}

// raise files an alert of rule r for partner: into the inbox, to the
// partner's live subscribers and to the rule's webhooks.
func (d *Desk) raise(partner string, r *compiled, k kept) {
	k.Partner, k.RuleID, k.RuleName = partner, r.ID, r.Name
	k.Raised, k.Status, k.Actions = d.opts.Now().UTC(), StatusOpen, []Action{}
	d.mu.Lock()
	d.nextID++
	k.ID = d.nextID
	kp := &k
	d.alerts[partner] = trimInbox(append(d.alerts[partner], kp))
	d.dirty = true
	d.publishLocked(kp)
	send := k // as raised: an analyst may act on kp once unlocked
	send.Alert = cloneAlert(k.Alert)
	d.mu.Unlock()
	d.raised.WithLabelValues(send.Kind).Inc()
	for _, h := range r.Webhooks {
		if s := d.hooks[h]; s != nil && s.hook.Partner == partner {
			s.enqueue(send)
		}
	}
}

// trimInbox keeps at most MaxAlerts: the oldest alerts dealt with go
// first, then the oldest.
func trimInbox(as []*kept) []*kept {
	if len(as) <= MaxAlerts {
		return as
	}
	over := len(as) - MaxAlerts
	out := as[:0:0]
	for _, a := range as {
		if over > 0 && a.Status != StatusOpen {
			over--
			continue
		}
		out = append(out, a)
	}
	return out[over:]
}

// Alerts returns the alerts of partner's inbox q selects that clearance
// may see, the newest first.
func (d *Desk) Alerts(partner string, clearance uint64, q Query) []Alert {
	if q.Limit <= 0 {
		q.Limit = 1000
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	out := []Alert{}
	as := d.alerts[partner]
	for i := len(as) - 1; i >= 0 && len(out) < q.Limit; i-- {
		a := as[i]
		if (q.Status == "" || a.Status == q.Status) && a.visibleTo(clearance) {
			out = append(out, cloneAlert(a.Alert))
		}
	}
	return out
}

// Act records user's action on one of partner's alerts (to: the user
// assigned, for ActAssign) and returns the alert as it is now. The file
// is written before it returns. An alert clearance may not see is not
// found.
func (d *Desk) Act(partner string, clearance uint64, user string, id int64, action, to string) (Alert, error) {
	switch action {
	case ActAcknowledge, ActDismiss:
		if to != "" {
			return Alert{}, invalid("%s takes no user", action)
		}
	case ActAssign:
		if to == "" {
			return Alert{}, invalid("assign: name the user to assign")
		}
	default:
		return Alert{}, invalid("unknown action %q", action)
	}
	d.mu.Lock()
	var a *kept
	for _, k := range d.alerts[partner] {
		if k.ID == id && k.visibleTo(clearance) {
			a = k
		}
	}
	if a == nil {
		d.mu.Unlock()
		return Alert{}, ErrNotFound
	}
	a.Actions = append(a.Actions, Action{Action: action, User: user, Time: d.opts.Now().UTC(), To: to})
	switch action {
	case ActAcknowledge:
		a.Status = StatusAcknowledged
	case ActDismiss:
		a.Status = StatusDismissed
	case ActAssign:
		a.AssignedTo = to
	}
	d.dirty = true
	d.publishLocked(a)
	out := cloneAlert(a.Alert)
	d.mu.Unlock()
	return out, d.flush()
}

func cloneAlert(a Alert) Alert {
	a.Actions = slices.Clone(a.Actions)
	if a.Actions == nil {
		a.Actions = []Action{}
	}
	return a
}

// Subscription receives a partner's alerts as they are raised and as
// analysts act on them.
type Subscription struct {
	C         <-chan Alert
	c         chan Alert
	partner   string
	clearance uint64
	d         *Desk
	lost      int64
}

// Subscribe subscribes to partner's alerts that clearance may see. An
// alert that does not fit in the buffer (a stream that lags) is lost.
func (d *Desk) Subscribe(partner string, clearance uint64) *Subscription {
	c := make(chan Alert, 256)
	s := &Subscription{C: c, c: c, partner: partner, clearance: clearance, d: d}
	d.mu.Lock()
	d.subs[s] = struct{}{}
	d.mu.Unlock()
	return s
}

// Close ends the subscription (C is not closed).
func (s *Subscription) Close() {
	s.d.mu.Lock()
	delete(s.d.subs, s)
	s.d.mu.Unlock()
}

func (d *Desk) publishLocked(k *kept) {
	for s := range d.subs {
		if s.partner != k.Partner || !k.visibleTo(s.clearance) {
			continue
		}
		select {
		case s.c <- cloneAlert(k.Alert):
		default:
			s.lost++
		}
	}
}
