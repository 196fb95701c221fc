package checks

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hms-platform/hmsdev/internal/fix"
	"github.com/hms-platform/hmsdev/internal/stack"
)

func TestDoctorHealthy(t *testing.T) {
	s := newHealthyStack(t)
	rs := Doctor(context.Background(), s.Stack)
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.ID)
		if r.Status != OK {
			t.Errorf("%s: %s %v fix %q", r.ID, r.Status, r.Evidence, r.Fix)
		}
	}
	want := "engine ports control-plane sidecar:hms-auth-bff sidecar:hms-onboarding-workflow sidecar:kong mtls policies"
	if strings.Join(ids, " ") != want {
		t.Errorf("findings %v, want %s", ids, want)
	}
	if e := evidence(byID(rs)["ports"]); !strings.Contains(e, "127.0.0.1:8080 (hms-auth-bff-sidecar 8080): held by this project's hms-auth-bff-sidecar") || !strings.Contains(e, "127.0.0.1:5681 (kuma-cp 5681): free") {
		t.Errorf("ports evidence: %s", e)
	}
}

// The acceptance scenario: a sidecar given a wrong control-plane address.
func TestDoctorWrongControlPlaneAddress(t *testing.T) {
	s := newHealthyStack(t)
	s.cp.dataplanes = s.cp.dataplanes[:1] // only bff registered; workflow never connected
	s.cp.dataplanes = append(s.cp.dataplanes, s.cp.dataplanes[0])
	s.cp.dataplanes[1].Name = "kong"
	s.engine.configs["hms-onboarding-workflow-sidecar"] = stack.Config{Env: []string{"KUMA_CONTROL_PLANE_URL=https://kuma-cpx:5678"}}
	s.engine.logs["hms-onboarding-workflow-sidecar"] = "INFO fetching bootstrap configuration\n" +
		`ERROR control plane unreachable: could not fetch bootstrap configuration from https://kuma-cpx:5678: Post "https://kuma-cpx:5678/bootstrap": dial tcp: lookup kuma-cpx on 127.0.0.11:53: no such host; retrying` + "\n"
	r := byID(Doctor(context.Background(), s.Stack))["sidecar:hms-onboarding-workflow"]
	e := evidence(r)
	if r.Status != Problem || !strings.Contains(r.Title, "hms-onboarding-workflow-sidecar") ||
		!strings.Contains(e, "not registered") || !strings.Contains(e, "https://kuma-cpx:5678") ||
		!strings.Contains(e, "its log shows control plane unreachable") ||
		!strings.Contains(r.Fix, "point hms-onboarding-workflow-sidecar at https://kuma-cp:5678") {
		t.Errorf("%s %s\n%s\nfix: %s", r.Status, r.Title, e, r.Fix)
	}
}

func TestDoctorKnownLogFailures(t *testing.T) {
	for name, tc := range map[string]struct{ log, symptom, fix string }{
		"san": {`Error: could not fetch bootstrap configuration: Invalid request: A data plane proxy is trying to connect to the control plane using "kuma-cp" address, but the certificate in the control plane has the following SANs ["abc" "localhost"].`,
			"certificate name mismatch", "hostname: kuma-cp"},
		"x509": {`Post "https://kuma-cp:5678/bootstrap": tls: failed to verify certificate: x509: certificate is valid for abc, localhost, not kuma-cp`,
			"certificate name mismatch", "KUMA_GENERAL_TLS_CERT_FILE"},
		"token": {"Dataplane Token is required. Generate token using 'kumactl generate dataplane-token > /path/file'",
			"dataplane token required", "KUMA_DP_SERVER_AUTHN_DP_PROXY_TYPE=none"},
		"rejected": {`ERROR dataplane rejected: Dataplane entity is invalid: networking.address: must not be 0.0.0.0`,
			"dataplane rejected", "kuma/dataplanes/NAME.yaml"},
		"wrong port": {`could not fetch bootstrap configuration: Post "https://kuma-cp:5681/bootstrap": http: server gave HTTP response to HTTPS client`,
			"control plane unreachable", "5678"},
	} {
		t.Run(name, func(t *testing.T) {
			s := newHealthyStack(t)
			s.cp.dataplanes[1].Online = false
			s.engine.logs["hms-onboarding-workflow-sidecar"] = "INFO starting\n" + tc.log + "\n"
			r := byID(Doctor(context.Background(), s.Stack))["sidecar:hms-onboarding-workflow"]
			if r.Status != Problem || !strings.Contains(evidence(r), "its log shows "+tc.symptom) || !strings.Contains(r.Fix, tc.fix) {
				t.Errorf("%s\n%s\nfix: %s", r.Status, evidence(r), r.Fix)
			}
		})
	}
}

func TestDoctorOutboundFailureIsNotCPUnreachable(t *testing.T) {
	// A sidecar failing to reach another service (no such host) is not a
	// control-plane problem.
	if sym, _, ok := diagnose("WARN outbound 10002: cannot reach hms-onboarding-workflow: dial tcp: lookup hms-onboarding-workflow: no such host"); ok {
		t.Errorf("diagnosed %s", sym.name)
	}
}

func TestDoctorEngineAndPorts(t *testing.T) {
	s := newHealthyStack(t)
	s.engine.portsErr = fix.New("published ports are taken; nothing was created:\n  port 127.0.0.1:5681, wanted by service kuma-cp, is held by process nginx (pid 42)", "stop them")
	r := byID(Doctor(context.Background(), s.Stack))["ports"]
	if r.Status != Problem || evidence(r) != "port 127.0.0.1:5681, wanted by service kuma-cp, is held by process nginx (pid 42)" || !strings.Contains(r.Fix, "infra.<part>.ports") {
		t.Errorf("%s %q %q", r.Status, evidence(r), r.Fix)
	}

	s = newHealthyStack(t)
	s.Engine, s.EngineErr = nil, fix.Wrap(errors.New("dial unix: no such file"), "cannot reach the Docker Engine", "start Docker")
	s.cp.err = errors.New("connection refused")
	m := byID(Doctor(context.Background(), s.Stack))
	if r := m["engine"]; r.Status != Problem || r.Fix != "start Docker" || !strings.Contains(evidence(r), "no such file") {
		t.Errorf("engine: %s %q %q", r.Status, evidence(r), r.Fix)
	}
	if _, ok := m["ports"]; ok {
		t.Error("ports judged without an engine")
	}
	if r := m["control-plane"]; r.Status != Problem {
		t.Errorf("control-plane: %s", r.Status)
	}
}
