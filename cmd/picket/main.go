// Command picket is a maritime watch: it decodes AIS, tracks vessels and
// finds the behaviours of illicit maritime trade.
//
// This file reads flags and environment into options and runs a job; the
// work is done in internal/.
package main

import (
	"errors"
	"fmt"
	"os"

	_ "time/tzdata" // --tz must work on machines without a zoneinfo database

	"github.com/spf13/cobra"
)

// usageError marks a mistake in how picket was called: exit status 2.
type usageError struct{ error }

func main() {
	root := &cobra.Command{
		Use:           "picket",
		Short:         "picket: a maritime watch for AIS",
		Long:          "picket decodes AIS from receiver logs and feeds, tracks vessels and finds the behaviours of illicit maritime trade.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       versionString(),
	}
	root.SetVersionTemplate("picket {{.Version}}\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w\nRun '%s --help' for usage.", err, c.CommandPath())}
	})
	root.AddCommand(decodeCommand())
	root.AddCommand(analyzeCommand())
	root.AddCommand(reportCommand())
	root.AddCommand(simulateCommand())
	root.AddCommand(serveCommand())
	root.AddCommand(accessCommands()...)
	if err := root.Execute(); err != nil {
		fmt.Fprintf(os.Stderr, "picket: %v\n", err)
		var ue usageError
		if errors.As(err, &ue) || isCobraUsage(err) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// isCobraUsage recognises the errors cobra itself returns for a bad command
// line (unknown command, wrong number of arguments).
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "accepts ", "requires at least", "invalid argument"} {
		if len(msg) >= len(p) && contains(msg, p) {
			return true
		}
	}
	return false
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
