package cmd

import (
	"github.com/spf13/cobra"

	"github.com/hms-platform/hmsdev/internal/ui"
)

func init() {
	var force bool
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Write docker-compose.yml, Kuma dataplanes and kong.yml from hmsdev.yaml (starts nothing)",
		Long: `generate writes what hmsdev.yaml describes: docker-compose.yml, one Kuma
dataplane per meshed service (kuma/dataplanes/), Kong's declarative config
(kong/kong.yml) and the demo image's build context (.hmsdev/demo/). Only files
whose content changed are written, atomically; a second run writes nothing.

Generated files carry a checksum. One edited by hand is not overwritten:
make the change in hmsdev.yaml instead, or pass --force to discard it.
Without an hmsdev.yaml, the built-in stack is generated into .hmsdev/.`,
		Example: `  hmsdev generate                 # write what changed
  hmsdev generate -C ~/hms        # for the workspace in ~/hms
  hmsdev generate --force         # overwrite generated files edited by hand
  hmsdev generate -o json         # list each file and what happened to it`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runGenerate(printer(cmd), global.dir, force)
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "overwrite generated files that were edited by hand")
	rootCmd.AddCommand(cmd)
}

func runGenerate(p *ui.Printer, dir string, force bool) error {
	_, _, err := generate(p, dir, force, true)
	return err
}
