package cmd

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/hms-platform/hmsdev/internal/ui"
	"github.com/hms-platform/hmsdev/orchestrator"
)

func init() {
	var pf projectFlags
	var waitTimeout time.Duration
	cmd := &cobra.Command{
		Use:   "restart SERVICE...",
		Short: "Restart services, recreating them if their config or image changed",
		Long: `restart restarts each SERVICE and waits until it is ready. When its
configuration changed, or its image was rebuilt under the same tag, the
container is recreated from the new image instead. What shares the
service's network namespace (an app beside its sidecar) is restarted or
recreated with it, so it never keeps a dead network.`,
		Example: `  docker build -t hms/auth-bff . && hmsdev restart hms-auth-bff`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := signalContext()
			defer cancel()
			pr := printer(cmd)
			_, p, eng, r, err := pf.connectProject(ctx, pr)
			if err != nil {
				return err
			}
			defer eng.Close()
			err = eng.Restart(ctx, p, args, orchestrator.UpOptions{WaitTimeout: waitTimeout})
			r.Close()
			if err != nil {
				return interrupted(ctx, err, "restart", "run `hmsdev up` to converge the stack, or the restart again")
			}
			pr.Linef("%s", pr.Paint(ui.OK, "Restarted"))
			return printStatus(ctx, pr, eng, p.Name)
		},
	}
	pf.add(cmd)
	cmd.Flags().DurationVar(&waitTimeout, "wait-timeout", 2*time.Minute, "how long each service may take to become ready")
	rootCmd.AddCommand(cmd)
}
