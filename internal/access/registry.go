package access

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Partner is a party that owns feeds and whose users see what labels
// release to it. A partner with Members is also a group: in a label its
// name stands for itself and for its members, and theirs, transitively
// (NATO for its member nations, FVEY for five).
type Partner struct {
	Name    string   `json:"name"`
	Members []string `json:"members,omitempty"`
}

// User is a person or a system that signs in. It belongs to one partner,
// whose clearance it gets, and has one role.
type User struct {
	Name    string `json:"name"`
	Partner string `json:"partner"`
	Role    Role   `json:"role"`
	// PasswordHash is argon2id in the PHC string format; empty for a user
	// that signs in with tokens only.
	PasswordHash string    `json:"password_hash,omitempty"`
	Created      time.Time `json:"created"`
	// Disabled users are refused at once, tokens and passwords alike.
	Disabled bool `json:"disabled,omitempty"`
}

// Token is a bearer secret held by a user. Only the secret's SHA-256 is
// kept: 256 random bits need no slow hash, and a copy of the file grants
// nothing.
type Token struct {
	// ID is public (8 hex characters): it names the token in lists, logs
	// and the audit log, and is how it is revoked.
	ID   string `json:"id"`
	User string `json:"user"`
	// Hash is the hex SHA-256 of the whole secret, "pkt_" included.
	Hash string `json:"hash"`
	// Label says what the token is for; SessionLabel for a login's.
	Label   string    `json:"label,omitempty"`
	Created time.Time `json:"created"`
	// Expires and Revoked: the zero time means never, not yet.
	Expires time.Time `json:"expires,omitzero"`
	Revoked time.Time `json:"revoked,omitzero"`
}

// SessionLabel is the label of the tokens Guard.Login makes.
const SessionLabel = "session"

// Registry is the access store: partners, users and tokens, persisted as
// one JSON file (Load, Save, Update). A Registry is a plain value: not
// safe for concurrent mutation; one from Guard.Registry is read-only.
type Registry struct {
	Partners []Partner `json:"partners"`
	Users    []User    `json:"users"`
	Tokens   []Token   `json:"tokens"`
	// Feeds are the feeds the data directory has known, with their bits
	// (AssignFeeds).
	Feeds []FeedRecord `json:"feeds,omitempty"`
}

// Principal is who a request is made by.
type Principal struct {
	User    string `json:"user"`
	Partner string `json:"partner"`
	Role    Role   `json:"role"`
	// TokenID is the token the request came with; empty after a bare
	// Registry.Login.
	TokenID string `json:"token_id,omitempty"`
}

// validPartnerName: [A-Z0-9][A-Z0-9_-]{1,15}, the shape of country codes
// and alliance names as they are written in releasability markings.
func validPartnerName(s string) bool {
	if len(s) < 2 || len(s) > 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case (c == '_' || c == '-') && i > 0:
		default:
			return false
		}
	}
	return true
}

func checkPartnerName(s string) error {
	if !validPartnerName(s) {
		return fmt.Errorf("%w: partner name %q: want 2 to 16 of A-Z, 0-9, _ and -, starting with a letter or digit (e.g. JPN, NATO)", ErrInvalid, s)
	}
	return nil
}

// validUserName: [A-Za-z0-9][A-Za-z0-9._@-]{0,63}, which fits plain
// names and e-mail addresses.
func validUserName(s string) bool {
	if len(s) < 1 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case (c == '.' || c == '_' || c == '@' || c == '-') && i > 0:
		default:
			return false
		}
	}
	return true
}

func checkUserName(s string) error {
	if !validUserName(s) {
		return fmt.Errorf("%w: user name %q: want 1 to 64 of A-Z, a-z, 0-9, '.', '_', '@' and '-', starting with a letter or digit", ErrInvalid, s)
	}
	return nil
}

// LookupPartner returns the partner of that name.
func (r *Registry) LookupPartner(name string) (Partner, bool) {
	if i := r.partnerIndex(name); i >= 0 {
		return r.Partners[i], true
	}
	return Partner{}, false
}

// LookupUser returns the user of that name.
func (r *Registry) LookupUser(name string) (User, bool) {
	if i := r.userIndex(name); i >= 0 {
		return r.Users[i], true
	}
	return User{}, false
}

// LookupToken returns the token of that id.
func (r *Registry) LookupToken(id string) (Token, bool) {
	if i := r.tokenIndex(id); i >= 0 {
		return r.Tokens[i], true
	}
	return Token{}, false
}

func (r *Registry) partnerIndex(name string) int {
	return slices.IndexFunc(r.Partners, func(p Partner) bool { return p.Name == name })
}

func (r *Registry) userIndex(name string) int {
	return slices.IndexFunc(r.Users, func(u User) bool { return u.Name == name })
}

func (r *Registry) tokenIndex(id string) int {
	return slices.IndexFunc(r.Tokens, func(t Token) bool { return t.ID == id })
}

// AddPartner adds a partner; with members it is a group standing for
// them. Members must already be partners.
func (r *Registry) AddPartner(name string, members []string) error {
	if err := checkPartnerName(name); err != nil {
		return err
	}
	if r.partnerIndex(name) >= 0 {
		return fmt.Errorf("%w: partner %s", ErrExists, name)
	}
	ms, err := r.checkMembers(name, members)
	if err != nil {
		return err
	}
	r.Partners = append(r.Partners, Partner{Name: name, Members: ms})
	return nil
}

// SetMembers replaces the members of a partner (a nation joins a group).
// A change that would make a group stand for itself is refused.
func (r *Registry) SetMembers(name string, members []string) error {
	i := r.partnerIndex(name)
	if i < 0 {
		return fmt.Errorf("%w: partner %s", ErrNotFound, name)
	}
	ms, err := r.checkMembers(name, members)
	if err != nil {
		return err
	}
	old := r.Partners[i].Members
	r.Partners[i].Members = ms
	if err := r.checkCycles(); err != nil {
		r.Partners[i].Members = old
		return err
	}
	return nil
}

func (r *Registry) checkMembers(name string, members []string) ([]string, error) {
	var out []string
	for _, m := range members {
		if err := checkPartnerName(m); err != nil {
			return nil, fmt.Errorf("partner %s: member: %w", name, err)
		}
		if m == name {
			return nil, fmt.Errorf("%w: partner %s: a group cannot be its own member", ErrInvalid, name)
		}
		if r.partnerIndex(m) < 0 {
			return nil, fmt.Errorf("%w: partner %s: member %s is not a partner (add it first)", ErrNotFound, name, m)
		}
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out, nil
}

// checkCycles refuses a group that stands, through its members, for
// itself.
func (r *Registry) checkCycles() error {
	const (
		unseen = iota
		open
		done
	)
	state := make(map[string]int, len(r.Partners))
	members := make(map[string][]string, len(r.Partners))
	for _, p := range r.Partners {
		members[p.Name] = p.Members
	}
	var path []string
	var visit func(string) error
	visit = func(n string) error {
		switch state[n] {
		case open:
			i := slices.Index(path, n)
			return fmt.Errorf("%w: partner groups form a cycle: %s", ErrInvalid, strings.Join(append(path[i:], n), " -> "))
		case done:
			return nil
		}
		state[n] = open
		path = append(path, n)
		for _, m := range members[n] {
			if err := visit(m); err != nil {
				return err
			}
		}
		path = path[:len(path)-1]
		state[n] = done
		return nil
	}
	for _, p := range r.Partners {
		if err := visit(p.Name); err != nil {
			return err
		}
	}
	return nil
}

// Expand returns name and every partner it stands for in a label, its
// members and theirs, sorted. A name that is not a partner stands for
// itself only.
func (r *Registry) Expand(name string) []string {
	seen := map[string]bool{name: true}
	queue := []string{name}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		i := r.partnerIndex(n)
		if i < 0 {
			continue
		}
		for _, m := range r.Partners[i].Members {
			if !seen[m] {
				seen[m] = true
				queue = append(queue, m)
			}
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// AddUser adds a user of a partner with a role. A password is optional:
// without one ("") the user signs in with tokens only.
func (r *Registry) AddUser(name, partner string, role Role, password string) error {
	if err := checkUserName(name); err != nil {
		return err
	}
	if r.userIndex(name) >= 0 {
		return fmt.Errorf("%w: user %s", ErrExists, name)
	}
	if r.partnerIndex(partner) < 0 {
		return fmt.Errorf("%w: user %s: partner %q is not a partner (add it first)", ErrNotFound, name, partner)
	}
	if !role.Valid() {
		return fmt.Errorf("%w: user %s: role %q: want viewer, analyst or admin", ErrInvalid, name, role)
	}
	u := User{Name: name, Partner: partner, Role: role, Created: time.Now().UTC().Truncate(time.Second)}
	if password != "" {
		if err := checkPassword(password); err != nil {
			return fmt.Errorf("user %s: %w", name, err)
		}
		h, err := hashPassword(password)
		if err != nil {
			return err
		}
		u.PasswordHash = h
	}
	r.Users = append(r.Users, u)
	return nil
}

// SetDisabled disables a user (every token and the password are refused
// from the next check on) or enables it again.
func (r *Registry) SetDisabled(name string, disabled bool) error {
	i := r.userIndex(name)
	if i < 0 {
		return fmt.Errorf("%w: user %s", ErrNotFound, name)
	}
	r.Users[i].Disabled = disabled
	return nil
}

// validate checks what Load reads and Save writes: names, roles, unique
// names and ids, and no group cycles. A user or token whose partner or
// user is gone is kept: it is refused when it is used.
func (r *Registry) validate() error {
	if err := r.validateFeeds(); err != nil {
		return err
	}
	seen := make(map[string]bool)
	for _, p := range r.Partners {
		if err := checkPartnerName(p.Name); err != nil {
			return err
		}
		if seen[p.Name] {
			return fmt.Errorf("%w: partner %s listed twice", ErrInvalid, p.Name)
		}
		seen[p.Name] = true
		for _, m := range p.Members {
			if err := checkPartnerName(m); err != nil {
				return fmt.Errorf("partner %s: member: %w", p.Name, err)
			}
		}
	}
	if err := r.checkCycles(); err != nil {
		return err
	}
	clear(seen)
	for _, u := range r.Users {
		if err := checkUserName(u.Name); err != nil {
			return err
		}
		if seen[u.Name] {
			return fmt.Errorf("%w: user %s listed twice", ErrInvalid, u.Name)
		}
		seen[u.Name] = true
		if !u.Role.Valid() {
			return fmt.Errorf("%w: user %s: role %q: want viewer, analyst or admin", ErrInvalid, u.Name, u.Role)
		}
		if u.PasswordHash != "" {
			if _, err := parseHash(u.PasswordHash); err != nil {
				return fmt.Errorf("user %s: %w", u.Name, err)
			}
		}
	}
	clear(seen)
	hashes := make(map[string]string, len(r.Tokens))
	for _, t := range r.Tokens {
		if !validTokenID(t.ID) {
			return fmt.Errorf("%w: token id %q: want 8 hex characters", ErrInvalid, t.ID)
		}
		if seen[t.ID] {
			return fmt.Errorf("%w: token %s listed twice", ErrInvalid, t.ID)
		}
		seen[t.ID] = true
		if !validTokenHash(t.Hash) {
			return fmt.Errorf("%w: token %s: hash is not a hex SHA-256", ErrInvalid, t.ID)
		}
		// Two tokens of one hash are one secret for two users (a copied
		// line): which one a request is made by would be a matter of
		// order.
		if other, ok := hashes[t.Hash]; ok {
			return fmt.Errorf("%w: tokens %s and %s have the same hash", ErrInvalid, other, t.ID)
		}
		hashes[t.Hash] = t.ID
	}
	return nil
}
