package cmd

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/hms-platform/hmsdev/compose"
	"github.com/hms-platform/hmsdev/internal/checks"
	"github.com/hms-platform/hmsdev/internal/ui"
	"github.com/hms-platform/hmsdev/kuma"
	"github.com/hms-platform/hmsdev/orchestrator"
)

var verifyCmd = &cobra.Command{
	Use:   "verify",
	Short: "Check the running stack: control plane, GUI, dataplanes, mTLS, policies, a real request, headers, metrics",
	Long: `verify runs the HMS verification checklist against the running stack:

  control-plane       Kuma's API answers as Kuma and the default mesh exists
  gui                 the Kuma GUI answers on 5681/gui/
  dataplanes          every meshed service's sidecar and Kong's are registered and online
  mtls                the mesh has mTLS on, in the mode hmsdev.yaml asks for
  policies            every policy in kuma/policies is in the control plane
  service-to-service  a real request through Kong reaches the deepest service of
                      the longest call chain, hop by hop through the sidecars
  headers             that request's fresh x-hms-trace-id and x-hms-tenant-id arrive
                      unchanged at every hop
  metrics             a sidecar's Prometheus endpoint (5670) serves Envoy's metrics

Each check prints PASS or FAIL with what it saw and, on FAIL, the fix.
verify exits 1 when any check fails.`,
	Example: `  hmsdev verify
  hmsdev verify -o json | jq 'select(.status=="FAIL")'`,
	Args: cobra.NoArgs,
	RunE: runChecks(checks.Verify),
}

func init() { rootCmd.AddCommand(verifyCmd) }

// runChecks is verify's and doctor's RunE: reach the running stack, run
// the checks on it, report their results.
func runChecks(run func(context.Context, checks.Stack) []checks.Result) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		ctx, cancel := signalContext()
		defer cancel()
		s, closeStack, err := connectStack(ctx)
		if err != nil {
			return err
		}
		defer closeStack()
		return reportResults(printer(cmd), run(ctx, s))
	}
}

// connectStack loads the workspace and reaches the running stack's parts.
// An unreachable Docker Engine is not an error here: the checks that need
// it say so in their own result.
func connectStack(ctx context.Context) (checks.Stack, func(), error) {
	ws, p, err := loadProject(global.dir)
	if err != nil {
		return checks.Stack{}, nil, err
	}
	t, err := checks.TargetFor(ws, p)
	if err != nil {
		return checks.Stack{}, nil, err
	}
	s := checks.Stack{Target: t, HTTP: &http.Client{Timeout: 15 * time.Second}}
	if t.KumaAPI != "" {
		s.CP = kuma.New(t.KumaAPI)
	}
	closeFn := func() {}
	if eng, err := orchestrator.Connect(ctx, nil); err != nil {
		s.EngineErr = err
	} else {
		bin, _ := compose.Executable() // an error shows in the metrics check, which needs it
		s.Engine = checks.Docker{Engine: eng, Project: p, Binary: bin}
		closeFn = func() { eng.Close() }
	}
	return s, closeFn, nil
}

// reportResults prints each result (a JSON line each with --output json),
// then a summary, and turns any failure into exit status 1.
func reportResults(pr *ui.Printer, results []checks.Result) error {
	counts := map[checks.Status]int{}
	for _, r := range results {
		counts[r.Status]++
		pr.Event(r)
		pr.Linef("%s  %s", paintStatus(pr, r.Status), pr.Paint(ui.Heading, r.Title))
		for _, e := range r.Evidence {
			pr.Linef("      %s", e)
		}
		if r.Fix != "" {
			pr.Linef("      %s %s", pr.Paint(ui.Warn, "fix:"), r.Fix)
		}
	}
	failed := counts[checks.Fail] + counts[checks.Problem]
	passed := counts[checks.Pass] + counts[checks.OK]
	pr.Event(map[string]any{"summary": true, "passed": passed, "failed": failed, "skipped": counts[checks.Skip]})
	// verify counts checks passed and failed; doctor, findings OK and problems.
	line := fmt.Sprintf("%d passed, %d failed", passed, failed)
	if counts[checks.OK]+counts[checks.Problem] > 0 {
		line = fmt.Sprintf("%d OK, %d problems", passed, failed)
	}
	if n := counts[checks.Skip]; n > 0 {
		line += fmt.Sprintf(", %d skipped", n)
	}
	pr.Linef("\n%s", line)
	if failed > 0 {
		return &exitError{code: 1}
	}
	return nil
}

func paintStatus(pr *ui.Printer, st checks.Status) string {
	label := fmt.Sprintf("%-7s", st)
	switch st {
	case checks.Pass, checks.OK:
		return pr.Paint(ui.OK, label)
	case checks.Fail, checks.Problem:
		return pr.Paint(ui.Fail, label)
	}
	return pr.Paint(ui.Dim, label)
}
