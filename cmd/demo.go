package cmd

import (
	"os"

	"github.com/spf13/cobra"

	"github.com/hms-platform/hmsdev/internal/demo"
)

// demo-service is the entrypoint of the demo images hmsdev builds FROM
// scratch (`/hmsdev demo-service`); hidden because users never run it.
var demoCmd = &cobra.Command{
	Use:    "demo-service [serve|probe URL|fetch URL]",
	Short:  "Run the built-in demo service (the entrypoint of demo images)",
	Hidden: true,
	Args:   cobra.NoArgs,
	RunE:   runDemoServe,
}

var demoServeCmd = &cobra.Command{
	Use:   "serve",
	Short: "Serve on SERVER_PORT as HMS_SERVICE_NAME, calling HMS_CALLS",
	Args:  cobra.NoArgs,
	RunE:  runDemoServe,
}

var demoProbeCmd = &cobra.Command{
	Use:   "probe URL",
	Short: "Exit 0 when GET URL answers 2xx within 2s (the image's healthcheck)",
	Args:  cobra.ExactArgs(1),
	RunE: func(cmd *cobra.Command, args []string) error {
		return demo.Probe(cmd.Context(), args[0])
	},
}

var demoFetchCmd = &cobra.Command{
	Use:   "fetch URL",
	Short: "Print the body of GET URL (verify reads sidecar metrics with it)",
	Args:  cobra.ExactArgs(1),
	RunE: func(cmd *cobra.Command, args []string) error {
		return demo.Fetch(cmd.Context(), args[0], cmd.OutOrStdout())
	},
}

func init() {
	demoCmd.AddCommand(demoServeCmd, demoProbeCmd, demoFetchCmd)
	rootCmd.AddCommand(demoCmd)
}

func runDemoServe(cmd *cobra.Command, _ []string) error {
	cfg, err := demo.ConfigFromEnv(os.Getenv)
	if err != nil {
		return err
	}
	ctx, cancel := signalContext()
	defer cancel()
	return demo.Serve(ctx, cfg, cmd.OutOrStdout())
}
