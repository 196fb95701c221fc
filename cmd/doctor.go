package cmd

import (
	"github.com/spf13/cobra"

	"github.com/hms-platform/hmsdev/internal/checks"
)

var doctorCmd = &cobra.Command{
	Use:   "doctor",
	Short: "Diagnose the stack: engine, ports, control plane, each sidecar (known failures in its log), mesh mode, policies",
	Long: `doctor is the troubleshooting page, automated. It looks at:

  engine         the Docker Engine answers
  ports          every port the stack publishes is free or held by this project
  control-plane  Kuma's API answers (else kuma-cp's state and last log lines)
  sidecar:NAME   each sidecar is registered and online; if not, its container's
                 state, the control-plane address it was given, and the known
                 failures in its log: certificate name mismatch, token required,
                 control plane unreachable, dataplane rejected
  mtls           the mesh's mTLS mode is the one hmsdev.yaml asks for
  policies       every policy in kuma/policies is in the control plane

Each finding is OK or PROBLEM with what was seen and, for a PROBLEM, the fix.
doctor exits 1 when it finds a problem.`,
	Example: `  hmsdev doctor
  hmsdev doctor -o json`,
	Args: cobra.NoArgs,
	RunE: runChecks(checks.Doctor),
}

func init() { rootCmd.AddCommand(doctorCmd) }
