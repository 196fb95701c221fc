package cmd

import (
	"github.com/spf13/cobra"

	"github.com/hms-platform/hmsdev/internal/ui"
	"github.com/hms-platform/hmsdev/orchestrator"
)

func init() {
	var pf projectFlags
	var timeout int
	var volumes bool
	cmd := &cobra.Command{
		Use:   "down",
		Short: "Stop and remove the project's containers and networks (volumes with --volumes)",
		Long: `down removes exactly what up created: the containers and networks that carry
the project's label, dependents before what they depend on. Volumes (the
databases' data) stay unless --volumes is given. It needs no workspace: the
project name (-p) is enough.`,
		Example: `  hmsdev down              # keep the data
  hmsdev down --volumes    # and remove the project's volumes
  hmsdev down -p hms       # without a workspace`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := signalContext()
			defer cancel()
			pr := printer(cmd)
			name, eng, r, err := pf.connectProjectName(ctx, pr)
			if err != nil {
				return err
			}
			defer eng.Close()
			o := orchestrator.DownOptions{Volumes: volumes}
			if cmd.Flags().Changed("timeout") {
				o.Timeout = &timeout
			}
			err = eng.Down(ctx, name, o)
			r.Close()
			if err == nil {
				pr.Linef("%s project %s", pr.Paint(ui.OK, "Removed"), name)
			}
			return interrupted(ctx, err, "down", "run `hmsdev down` again: it removes what is left")
		},
	}
	pf.add(cmd)
	cmd.Flags().IntVarP(&timeout, "timeout", "t", 10, "seconds to wait for each container to stop before killing it")
	cmd.Flags().BoolVarP(&volumes, "volumes", "v", false, "also remove the project's volumes (their data is lost)")
	rootCmd.AddCommand(cmd)
}
