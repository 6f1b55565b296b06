package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/picket-ais/picket/internal/access"
	"github.com/picket-ais/picket/internal/node"
)

// accessCommands are the commands that manage who may see what: picket
// partner, user and token. They change the access store (access.json in
// the data directory) under its lock, so they are safe to run while
// picket serve runs; the server sees a change within about a second.
func accessCommands() []*cobra.Command {
	return []*cobra.Command{partnerCommand(), userCommand(), tokenCommand()}
}

// storeFlags say where the access store is: --data DIR, or the data:
// directory of a serve config.
type storeFlags struct {
	data, config string
}

func (s *storeFlags) register(c *cobra.Command) {
	f := c.PersistentFlags()
	f.StringVar(&s.data, "data", "", "the data directory (as data: in picket serve's config)")
	f.StringVar(&s.config, "config", "", "picket serve's config file, for its data: directory")
}

// dir returns the store's directory; --data wins over --config, as in
// picket serve.
func (s *storeFlags) dir() (string, error) {
	if s.data != "" {
		return s.data, nil
	}
	if s.config == "" {
		return "", usageError{errors.New("where is the data? --data DIR or --config FILE (picket serve's config) is required")}
	}
	cfg, err := node.LoadConfig(s.config)
	if err != nil {
		return "", asUsage(err)
	}
	if cfg.Data == "" {
		return "", usageError{fmt.Errorf("%s: no data directory (data: DIR), and no --data DIR", s.config)}
	}
	return cfg.Data, nil
}

// update changes the store; errors name its file.
func (s *storeFlags) update(fn func(*access.Registry) error) (dir string, err error) {
	if dir, err = s.dir(); err != nil {
		return "", err
	}
	path := filepath.Join(dir, access.File)
	err = access.Update(dir, func(r *access.Registry) error {
		if err := fn(r); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		return nil
	})
	return dir, err
}

// load reads the store for a list; a store not made yet is said on w,
// since it is more often a wrong --data than an empty list.
func (s *storeFlags) load(w io.Writer) (*access.Registry, error) {
	dir, err := s.dir()
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, access.File)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(w, "picket: no access store at %s yet (picket partner add makes it)\n", path)
	}
	return access.Load(dir)
}

func partnerCommand() *cobra.Command {
	var sf storeFlags
	c := &cobra.Command{
		Use:   "partner",
		Short: "Manage the partners that own feeds and are named in their labels",
		Long: `A partner owns feeds and is named in releasability labels ("REL TO JPN, GBR").
A partner with members is a group: in a label, its name stands for its
members too, and for theirs (NATO, FVEY). Names are 2 to 16 of A-Z, 0-9,
_ and -, as they are written in labels.`,
		Example: `  picket partner add JPN --data /var/lib/picket
  picket partner add NATO --members GBR,USA,NOR --config picket.yaml
  picket partner list --data /var/lib/picket`,
	}
	sf.register(c)

	var members []string
	add := &cobra.Command{
		Use:   "add NAME [--members A,B]",
		Short: "Add a partner, or a group of partners",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := sf.update(func(r *access.Registry) error { return r.AddPartner(args[0], members) })
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "picket: partner %s added to %s%s\n", args[0], dir, membersNote(members))
			return nil
		},
	}
	add.Flags().StringSliceVar(&members, "members", nil, "partners this name also stands for in a label (comma separated; they must exist)")

	var setMembers []string
	set := &cobra.Command{
		Use:   "set NAME --members A,B",
		Short: "Replace the members of a group (a partner joins or leaves)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("members") {
				return usageError{errors.New("--members is required (--members= to empty the group)")}
			}
			if _, err := sf.update(func(r *access.Registry) error { return r.SetMembers(args[0], setMembers) }); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "picket: partner %s%s\n", args[0], membersNote(setMembers))
			return nil
		},
	}
	set.Flags().StringSliceVar(&setMembers, "members", nil, "the group's members, replacing the old ones (comma separated)")

	list := &cobra.Command{
		Use:   "list",
		Short: "List the partners, their members and whom they stand for in a label",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := sf.load(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 8, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tMEMBERS\tSTANDS FOR")
			for _, p := range r.Partners {
				fmt.Fprintf(w, "%s\t%s\t%s\n", p.Name, dash(strings.Join(p.Members, ",")), strings.Join(r.Expand(p.Name), ","))
			}
			return w.Flush()
		},
	}
	c.AddCommand(add, set, list)
	return c
}

func membersNote(members []string) string {
	if len(members) == 0 {
		return ""
	}
	return ", members " + strings.Join(members, ",")
}

func userCommand() *cobra.Command {
	var sf storeFlags
	c := &cobra.Command{
		Use:   "user",
		Short: "Manage users: who they are, their partner and their role",
		Long: `A user belongs to one partner, whose clearance it gets, and has one role:
viewer (sees the picture), analyst (also exports), admin (also manages
access). Users sign in with tokens (picket token create) and, if given a
password, with the password.`,
		Example: `  picket user add kim --partner KOR --role analyst --data /var/lib/picket
  read -rs PW; printf '%s\n' "$PW" | picket user add ann --partner GBR --role viewer --password-stdin --data /var/lib/picket
  picket user disable kim --data /var/lib/picket`,
	}
	sf.register(c)

	var partner, role string
	var pwStdin bool
	add := &cobra.Command{
		Use:   "add NAME --partner P --role viewer|analyst|admin [--password-stdin]",
		Short: "Add a user",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if partner == "" {
				return usageError{errors.New("--partner is required")}
			}
			if role == "" {
				return usageError{errors.New("--role is required (viewer, analyst or admin)")}
			}
			rl, err := access.ParseRole(role)
			if err != nil {
				return usageError{fmt.Errorf("--role: %w", err)}
			}
			var password string
			if pwStdin {
				if password, err = readPassword(cmd.InOrStdin()); err != nil {
					return err
				}
			}
			dir, err := sf.update(func(r *access.Registry) error { return r.AddUser(args[0], partner, rl, password) })
			if err != nil {
				return err
			}
			how := "tokens only"
			if password != "" {
				how = "password or tokens"
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "picket: user %s (%s, %s) added to %s; signs in with %s\n", args[0], partner, rl, dir, how)
			return nil
		},
	}
	add.Flags().StringVar(&partner, "partner", "", "the user's partner (required)")
	add.Flags().StringVar(&role, "role", "", "viewer, analyst or admin (required)")
	add.Flags().BoolVar(&pwStdin, "password-stdin", false, fmt.Sprintf("read a password (%d characters at least) from the first line of standard input; without it the user signs in with tokens only", access.MinPasswordLen))

	list := &cobra.Command{
		Use:   "list",
		Short: "List the users",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := sf.load(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 8, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tPARTNER\tROLE\tSIGNS IN WITH\tCREATED\tSTATUS")
			for _, u := range r.Users {
				how, status := "tokens", "active"
				if u.PasswordHash != "" {
					how = "password, tokens"
				}
				if u.Disabled {
					status = "disabled"
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Name, u.Partner, u.Role, how, stamp(u.Created), status)
			}
			return w.Flush()
		},
	}

	setDisabled := func(use, short string, disabled bool) *cobra.Command {
		return &cobra.Command{
			Use:   use + " NAME",
			Short: short,
			Args:  cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				if _, err := sf.update(func(r *access.Registry) error { return r.SetDisabled(args[0], disabled) }); err != nil {
					return err
				}
				fmt.Fprintf(cmd.ErrOrStderr(), "picket: user %s %sd\n", args[0], use)
				return nil
			},
		}
	}
	c.AddCommand(add, list,
		setDisabled("disable", "Disable a user: its tokens and password are refused from now on", true),
		setDisabled("enable", "Enable a disabled user again", false))
	return c
}

// readPassword reads the first line of r, without its line ending.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("--password-stdin: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", usageError{errors.New("--password-stdin: no password on the first line of standard input")}
	}
	return line, nil
}

func tokenCommand() *cobra.Command {
	var sf storeFlags
	c := &cobra.Command{
		Use:   "token",
		Short: "Manage the bearer tokens users present to the API",
		Long: `A token is a secret a user presents to the API (Authorization: Bearer ...).
Only its hash is kept: the secret is printed once, when it is made. A token
expires after its lifetime, or is revoked; picket serve refuses it within
about a second.`,
		Example: `  TOKEN=$(picket token create --user kim --ttl 30d --label "ops laptop" --data /var/lib/picket)
  picket token list --data /var/lib/picket
  picket token revoke 1a2b3c4d --data /var/lib/picket`,
	}
	sf.register(c)

	var user, ttl, label string
	create := &cobra.Command{
		Use:   "create --user U [--ttl 720h] [--label L]",
		Short: "Make a token and print its secret, once",
		Long: `Create makes a token for a user and prints its secret on standard output,
alone on one line, so that a script can capture it; its id and a reminder go
to standard error. The secret is not kept: keep it now.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if user == "" {
				return usageError{errors.New("--user is required")}
			}
			life, err := node.ParseDays(ttl)
			if err != nil {
				return usageError{fmt.Errorf("--ttl %v", err)}
			}
			var secret string
			var tok access.Token
			if _, err := sf.update(func(r *access.Registry) error {
				var err error
				secret, tok, err = r.CreateToken(user, label, life, time.Now())
				return err
			}); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), secret)
			expires := "never expires"
			if !tok.Expires.IsZero() {
				expires = "expires " + stamp(tok.Expires)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "picket: token %s for %s, %s. The secret is shown this once and not kept: store it now. Revoke with: picket token revoke %s\n",
				tok.ID, user, expires, tok.ID)
			return nil
		},
	}
	create.Flags().StringVar(&user, "user", "", "the user the token is for (required)")
	create.Flags().StringVar(&ttl, "ttl", "720h", "lifetime (720h, 30d; 0: until revoked)")
	create.Flags().StringVar(&label, "label", "", "what the token is for, shown in lists")

	var only string
	list := &cobra.Command{
		Use:   "list [--user U]",
		Short: "List tokens (never their secrets or hashes)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			r, err := sf.load(cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 8, 2, ' ', 0)
			fmt.Fprintln(w, "ID\tUSER\tLABEL\tCREATED\tEXPIRES\tREVOKED")
			for _, t := range r.Tokens {
				if only != "" && t.User != only {
					continue
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.User, dash(t.Label), stamp(t.Created), stamp(t.Expires), stamp(t.Revoked))
			}
			return w.Flush()
		},
	}
	list.Flags().StringVar(&only, "user", "", "only this user's tokens")

	revoke := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke a token",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := sf.update(func(r *access.Registry) error { return r.RevokeToken(args[0], time.Now()) }); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "picket: token %s revoked; a running picket serve refuses it within a second\n", args[0])
			return nil
		},
	}
	c.AddCommand(create, list, revoke)
	return c
}

// stamp shows a time in UTC to the second; "-" for none.
func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
