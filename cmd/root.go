// Package cmd holds hmsdev's cobra commands. They are thin: each turns flags
// into options and calls the package that does the work.
package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/hms-platform/hmsdev/internal/fix"
	"github.com/hms-platform/hmsdev/internal/ui"
)

// globals are the flags every command shares.
type globals struct {
	dir    string // workspace directory
	output string // text or json
}

var global globals

var rootCmd = &cobra.Command{
	Use:   "hmsdev",
	Short: "Run the HMS platform's local stack: Kong, a Kuma mesh, the services, Postgres and Kafka",
	Long: `hmsdev runs the HMS platform's whole local development environment on Docker:
Kong in front, a Kuma service mesh between the services (mTLS, retries, circuit
breaking, timeouts, Zipkin tracing), Postgres and Kafka beside them.

Without a workspace (hmsdev.yaml) in the directory, commands use the built-in
HMS stack; 'hmsdev init' writes it out so you can change it.`,
	Example: `  hmsdev init             # write hmsdev.yaml, kuma/ and kong/ here
  hmsdev up               # start everything, apply the mesh, wait for the sidecars
  hmsdev status           # what runs, and where
  hmsdev down             # remove what up created`,
	SilenceUsage:  true,
	SilenceErrors: true,
	PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
		if global.output != string(ui.Text) && global.output != string(ui.JSON) {
			return fmt.Errorf("--output %q: must be text or json", global.output)
		}
		return nil
	},
}

func init() {
	rootCmd.PersistentFlags().StringVarP(&global.dir, "dir", "C", ".", "workspace directory (where hmsdev.yaml is)")
	rootCmd.PersistentFlags().StringVarP(&global.output, "output", "o", "text", "output format: text or json")
	rootCmd.CompletionOptions.HiddenDefaultCmd = true
}

// printer returns the Printer for the current command's output flags.
func printer(cmd *cobra.Command) *ui.Printer {
	return ui.New(cmd.OutOrStdout(), cmd.ErrOrStderr(), ui.Format(global.output))
}

// signalContext is cancelled on Ctrl-C or SIGTERM, so long work stops cleanly.
func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// interrupted turns the error of a command stopped by Ctrl-C or SIGTERM,
// whichever step noticed (the engine, a Kuma wait, a log read), into one
// that says so and what to run next, instead of a bare "context canceled"
// or the error of a step cut short.
func interrupted(ctx context.Context, err error, command, next string) error {
	if err == nil || ctx.Err() == nil {
		return err
	}
	return fix.Wrap(ctx.Err(), command+" was interrupted", next)
}

// exitError carries an exit code for commands whose failure is a result
// (verify found a failing check) rather than an error to print.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// Execute runs hmsdev with os.Args and returns the process exit code.
func Execute() int {
	return run(rootCmd, os.Args[1:])
}

func run(root *cobra.Command, args []string) int {
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	ui.New(os.Stdout, os.Stderr, ui.Format(global.output)).Error(err)
	return 1
}
