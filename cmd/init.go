package cmd

import (
	"github.com/spf13/cobra"

	"github.com/hms-platform/hmsdev/compose"
)

func init() {
	var force bool
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Write a workspace for the HMS stack: hmsdev.yaml, kuma/ and kong/",
		Long: `init writes the built-in HMS stack as files you can change: hmsdev.yaml
(commented), kuma/mesh-default.yaml, one file per policy in kuma/policies/,
the dataplanes in kuma/dataplanes/ and kong/kong.yml. DIR defaults to --dir.
It refuses, writing nothing, if any of those files exists, unless --force.`,
		Example: `  hmsdev init              # here
  hmsdev init ~/hms        # in ~/hms (created if missing)
  hmsdev init --force      # overwrite an existing workspace's files`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := global.dir
			if len(args) == 1 {
				dir = args[0]
			}
			changes, err := compose.Init(dir, force)
			if err != nil {
				return err
			}
			p := printer(cmd)
			printChanges(p, changes, true)
			p.Linef("next: hmsdev -C %s up   (or hmsdev -C %s generate to see docker-compose.yml first)", dir, dir)
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "overwrite existing files")
	rootCmd.AddCommand(cmd)
}
