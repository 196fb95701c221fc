package cmd

import (
	"github.com/spf13/cobra"
)

func init() {
	var pf projectFlags
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the project's containers: state, health and URLs",
		Example: `  hmsdev status
  hmsdev status -p hms -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := signalContext()
			defer cancel()
			pr := printer(cmd)
			name, err := pf.projectName(ctx, pr)
			if err != nil {
				return err
			}
			eng, r, err := connect(ctx, pr)
			if err != nil {
				return err
			}
			defer eng.Close()
			r.Close()
			return printStatus(ctx, pr, eng, name)
		},
	}
	pf.add(cmd)
	rootCmd.AddCommand(cmd)
}
