package cmd

import (
	"github.com/spf13/cobra"

	"github.com/hms-platform/hmsdev/compose"
	"github.com/hms-platform/hmsdev/internal/workspace"
)

func init() {
	var o compose.AddServiceOptions
	var demo bool // --demo: accepted for clarity, it is what no --image/--build means
	cmd := &cobra.Command{
		Use:   "add-service NAME --port PORT [--image IMG | --build DIR | --demo]",
		Short: "Add a service to hmsdev.yaml with its sidecar, dataplane and Kong route",
		Long: `add-service adds NAME to hmsdev.yaml, writes kuma/dataplanes/NAME.yaml, adds an outbound to NAME in each --called-by
service's dataplane, adds the Kong route when --route is given, and
regenerates docker-compose.yml. Without --image or --build the service runs
hmsdev's demo service. Every flag is checked first: on any error, no file changes.

hmsdev.yaml keeps every byte you wrote (comments, blank lines, quoting,
indentation): add-service only inserts the new entry after the last service,
with the file's indentation, and NAME in each --called-by service's calls
([a, b] or - a lists alike). Where that cannot be done by insertion alone, it
changes nothing and prints the entry to add by hand.`,
		Example: `  hmsdev add-service hms-payments --port 8082 --route /api/payments --called-by hms-auth-bff
  hmsdev add-service hms-ledger --port 8083 --image registry.example.com/hms/ledger:1.4 --calls hms-payments
  hmsdev add-service hms-docs --port 8084 --build ./services/docs --protocol grpc`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Name = args[0] // --demo is the default; the flag only documents it
			ws, err := workspace.Load(global.dir)
			if err != nil {
				return err
			}
			next, changes, err := compose.AddService(ws, o)
			if err != nil {
				return err
			}
			p := printer(cmd)
			printChanges(p, changes, false)
			p.Linef("added %s: its app listens on %d; callers reach it at %s", o.Name, o.Port, compose.OutboundURL(&next.Config, o.Name))
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.Port, "port", 0, "the port the app listens on (required)")
	f.StringVar(&o.Image, "image", "", "run this image")
	f.StringVar(&o.Build, "build", "", "build the image from this directory (relative to the workspace)")
	f.BoolVar(&demo, "demo", false, "run hmsdev's demo service (the default without --image or --build)")
	f.StringSliceVar(&o.Calls, "calls", nil, "services the new one calls through the mesh (comma-separated)")
	f.StringSliceVar(&o.CalledBy, "called-by", nil, "services that call the new one (comma-separated)")
	f.StringVar(&o.Route, "route", "", "Kong path prefix that reaches the service, e.g. /api/payments")
	f.StringVar(&o.Protocol, "protocol", "http", "http, grpc, tcp or kafka")
	cmd.MarkFlagRequired("port")
	cmd.MarkFlagsMutuallyExclusive("image", "build", "demo")
	rootCmd.AddCommand(cmd)
}
