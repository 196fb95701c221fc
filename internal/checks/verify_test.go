package checks

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hms-platform/hmsdev/internal/demo"

	"github.com/hms-platform/hmsdev/internal/workspace"
)

var eight = []string{"control-plane", "gui", "dataplanes", "mtls", "policies", "service-to-service", "headers", "metrics"}

func TestVerifyAllPass(t *testing.T) {
	s := newHealthyStack(t)
	rs := Verify(context.Background(), s.Stack)
	if len(rs) != len(eight) {
		t.Fatalf("%d results, want 8", len(rs))
	}
	for i, r := range rs {
		if r.ID != eight[i] {
			t.Errorf("result %d is %s, want %s", i, r.ID, eight[i])
		}
		if r.Status != Pass {
			t.Errorf("%s: %s\n%s\nfix: %s", r.ID, r.Status, evidence(r), r.Fix)
		}
		if len(r.Evidence) == 0 {
			t.Errorf("%s: no evidence", r.ID)
		}
	}
	m := byID(rs)
	if e := evidence(m["headers"]); !strings.Contains(e, "hms-onboarding-workflow received x-hms-trace-id: hmsdev-verify-T1 and x-hms-tenant-id: hmsdev-verify") {
		t.Errorf("headers evidence: %s", e)
	}
	if e := evidence(m["service-to-service"]); !strings.Contains(e, "hms-auth-bff -> hms-onboarding-workflow via "+s.workflow.URL) {
		t.Errorf("path evidence: %s", e)
	}
	if e := evidence(m["metrics"]); !strings.Contains(e, "envoy_cluster_upstream_rq_total") || !strings.Contains(e, "hms-auth-bff-sidecar") {
		t.Errorf("metrics evidence: %s", e)
	}
	if AnyFailed(rs) {
		t.Error("AnyFailed on an all-pass run")
	}
}

// The acceptance scenario: the workflow's sidecar is stopped, so its
// dataplane goes offline and bff's call through its outbound fails.
func TestVerifyWorkflowSidecarStopped(t *testing.T) {
	s := newHealthyStack(t)
	s.workflowDown.Store(true)
	s.cp.dataplanes[1].Online = false
	m := byID(Verify(context.Background(), s.Stack))
	for _, id := range []string{"dataplanes", "service-to-service"} {
		r := m[id]
		if r.Status != Fail || r.Fix == "" || !strings.Contains(evidence(r), "hms-onboarding-workflow") {
			t.Errorf("%s: %s %q fix %q", id, r.Status, evidence(r), r.Fix)
		}
	}
	if !strings.HasPrefix(m["dataplanes"].Evidence[0], "offline or missing: hms-onboarding-workflow") {
		t.Errorf("dataplanes evidence: %q", m["dataplanes"].Evidence)
	}
	if !strings.Contains(m["service-to-service"].Evidence[0], "hms-auth-bff -> hms-onboarding-workflow via") || !strings.Contains(m["service-to-service"].Fix, "hmsdev logs hms-onboarding-workflow hms-onboarding-workflow-sidecar") {
		t.Errorf("path evidence: %q", m["service-to-service"].Evidence)
	}
	for _, id := range []string{"control-plane", "gui", "mtls", "policies", "metrics"} {
		if m[id].Status != Pass {
			t.Errorf("%s: %s %v", id, m[id].Status, m[id].Evidence)
		}
	}
}

func TestVerifyFailures(t *testing.T) {
	for name, tc := range map[string]struct {
		break_ func(*healthyStack)
		check  string
		want   string
	}{
		"cp down":           {func(s *healthyStack) { s.cp.err = errors.New("connection refused") }, "control-plane", "connection refused"},
		"mtls off":          {func(s *healthyStack) { s.cp.mesh = map[string]any{} }, "mtls", "no mtls.enabledBackend"},
		"mtls mode differs": {func(s *healthyStack) { s.Target.MTLS = "strict" }, "mtls", "kuma.mtls: strict"},
		"policy missing":    {func(s *healthyStack) { s.cp.policies = s.cp.policies[1:] }, "policies", "missing from mesh default: MeshRetry retry"},
		"no route":          {func(s *healthyStack) { s.Target.Chain.Route = "/api/nope" }, "service-to-service", "no Route matched"},
		"metrics off":       {func(s *healthyStack) { s.engine.fetchErr = errors.New("connection refused") }, "metrics", "5670"},
		"no engine":         {func(s *healthyStack) { s.Engine, s.EngineErr = nil, errors.New("no socket") }, "metrics", "no socket"},
		"sidecar gone":      {func(s *healthyStack) { s.engine.containers = s.engine.containers[1:] }, "metrics", "hms-auth-bff-sidecar is not running"},
		"not registered":    {func(s *healthyStack) { s.cp.dataplanes = append(s.cp.dataplanes[:1], s.cp.dataplanes[2:]...) }, "dataplanes", "hms-onboarding-workflow: not registered"},
	} {
		t.Run(name, func(t *testing.T) {
			s := newHealthyStack(t)
			tc.break_(s)
			r := byID(Verify(context.Background(), s.Stack))[tc.check]
			if r.Status != Fail || r.Fix == "" || !strings.Contains(evidence(r), tc.want) {
				t.Errorf("%s: %s %q fix %q; want FAIL with %q", tc.check, r.Status, evidence(r), r.Fix, tc.want)
			}
		})
	}
}

// A caller whose sidecar lacks the outbound: nothing listens on the
// outbound port in its namespace, and the fix says to restart that sidecar.
func TestVerifyMissingOutboundBlamesTheCaller(t *testing.T) {
	s := newHealthyStack(t)
	s.workflow.Close() // the bff's "outbound" now refuses connections
	r := byID(Verify(context.Background(), s.Stack))["service-to-service"]
	if r.Status != Fail || !strings.Contains(r.Fix, "hms-auth-bff's sidecar has no outbound listener for hms-onboarding-workflow") ||
		!strings.Contains(r.Fix, "hmsdev restart hms-auth-bff-sidecar") {
		t.Errorf("%s %v\nfix: %s", r.Status, r.Evidence, r.Fix)
	}
}

// A deeper hop failing is reported at that hop, not at the first.
func TestVerifyNamesTheDeepestFailingHop(t *testing.T) {
	s := newHealthyStack(t)
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	// workflow now calls billing, which is down; the chain is bff -> workflow -> billing.
	wf := httptest.NewServer(demo.NewServer(demo.Config{Service: "hms-onboarding-workflow",
		Calls: []demo.Call{{Service: "billing", URL: deadURL}}}, nil, nil))
	defer wf.Close()
	bff := httptest.NewServer(demo.NewServer(demo.Config{Service: "hms-auth-bff",
		Calls: []demo.Call{{Service: "hms-onboarding-workflow", URL: wf.URL}}}, nil, nil))
	defer bff.Close()
	s.Target.KongProxy = bff.URL // straight to bff; Kong's part is tested elsewhere
	s.Target.Chain = Chain{Route: "/", Hops: []Hop{{Service: "hms-auth-bff"}, {Service: "hms-onboarding-workflow"}, {Service: "billing"}}}
	m := byID(Verify(context.Background(), s.Stack))
	r := m["service-to-service"]
	if r.Status != Fail || !strings.HasPrefix(r.Evidence[0], "hms-onboarding-workflow -> billing via "+deadURL+" failed") {
		t.Errorf("%s %v\nfix: %s", r.Status, r.Evidence, r.Fix)
	}
	if h := m["headers"]; h.Status != Fail || !strings.Contains(evidence(h), "stopped at hms-onboarding-workflow and never reached billing") {
		t.Errorf("headers: %s %v", h.Status, h.Evidence)
	}
}

func TestDeepestChain(t *testing.T) {
	cfg := &workspace.Config{Services: workspace.Services{
		{Name: "a", Route: "/a", Calls: []string{"b"}},
		{Name: "b", Calls: []string{"c", "a"}},
		{Name: "c", Calls: []string{"d"}},
		{Name: "d"},
		{Name: "e", Route: "/e", Calls: []string{"d"}},
	}}
	c := DeepestChain(cfg)
	var names []string
	for _, h := range c.Hops {
		names = append(names, h.Service+"@"+h.Via)
	}
	if c.Route != "/a" || strings.Join(names, " ") != "a@ b@http://127.0.0.1:10002 c@http://127.0.0.1:10003 d@http://127.0.0.1:10004" {
		t.Errorf("chain %s: %v", c.Route, names)
	}
}
