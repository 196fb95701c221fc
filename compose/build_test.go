package compose

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/hms-platform/hmsdev/internal/fix"
	"github.com/hms-platform/hmsdev/internal/workspace"
)

// parse loads hmsdev.yaml text as a workspace in a temporary directory.
func parse(t *testing.T, yaml string) *workspace.Workspace {
	t.Helper()
	ws, err := workspace.Parse([]byte(yaml), workspace.FileName)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	ws.Dir, ws.FromDisk = t.TempDir(), true
	return ws
}

func build(t *testing.T, yaml string) *types.Project {
	t.Helper()
	p, err := Build(parse(t, yaml))
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return p
}

func TestEveryPublishedPortBindsLoopback(t *testing.T) {
	ws := parse(t, string(workspace.DefaultConfig()))
	p, err := Build(ws)
	if err != nil {
		t.Fatal(err)
	}
	published := 0
	for name, s := range p.Services {
		for _, port := range s.Ports {
			published++
			if port.HostIP != "127.0.0.1" {
				t.Errorf("%s publishes %s on %q, not 127.0.0.1", name, port.Published, port.HostIP)
			}
		}
	}
	if published != 9 { // 5681 5680 9411 5432 9092 8000 8001 8080 8081
		t.Errorf("published %d ports, want 9", published)
	}
}

func TestKumaCP(t *testing.T) {
	cp := build(t, string(workspace.DefaultConfig())).Services[workspace.KumaCP]
	if cp.Hostname != "kuma-cp" {
		t.Errorf("hostname %q: the CP's certificate names only its hostname", cp.Hostname)
	}
	for k, v := range map[string]string{"KUMA_ENVIRONMENT": "universal", "KUMA_STORE_TYPE": "memory", "KUMA_DP_SERVER_AUTHN_DP_PROXY_TYPE": "none"} {
		if got := cp.Environment[k]; got == nil || *got != v {
			t.Errorf("kuma-cp %s = %v, want %s", k, got, v)
		}
	}
	if !slices.Equal(cp.Command, types.ShellCommand{"run"}) {
		t.Errorf("kuma-cp command %v", cp.Command)
	}
}

func TestMeshedServiceSharesItsSidecarsNamespace(t *testing.T) {
	p := build(t, string(workspace.DefaultConfig()))
	for _, name := range []string{"hms-auth-bff", "kong"} {
		app, side := p.Services[name], p.Services[name+"-sidecar"]
		if app.NetworkMode != "service:"+name+"-sidecar" || app.Networks != nil || app.Ports != nil {
			t.Errorf("%s: network_mode %q networks %v ports %v", name, app.NetworkMode, app.Networks, app.Ports)
		}
		dep := app.DependsOn[name+"-sidecar"]
		if dep.Condition != types.ServiceConditionStarted || !dep.Restart || !dep.Required {
			t.Errorf("%s depends on its sidecar as %+v; want started, restart, required", name, dep)
		}
		if aliases := side.Networks["default"].Aliases; !slices.Equal(aliases, []string{name}) {
			t.Errorf("%s-sidecar aliases %v", name, aliases)
		}
		if side.Image != "kong/kuma-dp:2.5.0" || *side.Environment["KUMA_CONTROL_PLANE_URL"] != "https://kuma-cp:5678" {
			t.Errorf("%s-sidecar: image %s env %v", name, side.Image, side.Environment)
		}
		if len(side.Volumes) != 1 || !side.Volumes[0].ReadOnly || !strings.HasSuffix(side.Volumes[0].Source, "kuma/dataplanes/"+name+".yaml") {
			t.Errorf("%s-sidecar volumes %+v", name, side.Volumes)
		}
	}
	if got := p.Services["hms-auth-bff-sidecar"].Ports[0]; got.Target != 8080 || got.Published != "8080" {
		t.Errorf("the sidecar should publish the app's port: %+v", got)
	}
	if p.Services["hms-auth-bff"].DependsOn["postgres"].Condition != types.ServiceConditionHealthy {
		t.Error("a dependency with a healthcheck should be waited for as healthy")
	}
}

func TestDemoServiceEnvAndImage(t *testing.T) {
	p := build(t, string(workspace.DefaultConfig()))
	bff := p.Services["hms-auth-bff"]
	want := map[string]string{
		"HMS_SERVICE_NAME":                "hms-auth-bff",
		"SERVER_PORT":                     "8080",
		"HMS_CALLS":                       "hms-onboarding-workflow=http://127.0.0.1:10002",
		"HMS_HMS_ONBOARDING_WORKFLOW_URL": "http://127.0.0.1:10002",
	}
	for k, v := range want {
		if got := bff.Environment[k]; got == nil || *got != v {
			t.Errorf("%s = %v, want %s", k, got, v)
		}
	}
	if !strings.HasPrefix(bff.Image, "hmsdev-demo:") || bff.Build == nil || !strings.HasSuffix(bff.Build.Context, ".hmsdev/demo") {
		t.Errorf("demo image %q build %+v", bff.Image, bff.Build)
	}
	if !slices.Equal(bff.HealthCheck.Test, types.HealthCheckTest{"CMD", "/hmsdev", "demo-service", "probe", "http://127.0.0.1:8080/actuator/health"}) {
		t.Errorf("demo healthcheck %v", bff.HealthCheck.Test)
	}
}

func TestOverridesAndOptionalParts(t *testing.T) {
	p := build(t, `
infra:
  kuma-cp:
    image: standin
    command: [kuma-cp, run]
    healthcheck: {test: [CMD, /standin, probe], interval: 1s}
    ports: {5680: 0, 5681: 15681}
  postgres: {enabled: false}
services:
  api:
    image: example/api:1
    port: 9000
    host_port: -1
    env: {SERVER_PORT: "9999"}
  tool:
    build: ./tool
    port: 7000
    mesh: false
`)
	cp := p.Services["kuma-cp"]
	if cp.Image != "standin" || !slices.Equal(cp.Command, types.ShellCommand{"kuma-cp", "run"}) || cp.HealthCheck.Test[1] != "/standin" {
		t.Errorf("kuma-cp overrides not applied: %s %v %+v", cp.Image, cp.Command, cp.HealthCheck)
	}
	if len(cp.Ports) != 1 || cp.Ports[0].Published != "15681" || cp.Ports[0].Target != 5681 {
		t.Errorf("kuma-cp ports %+v", cp.Ports)
	}
	if _, ok := p.Services["postgres"]; ok {
		t.Error("postgres is disabled but present")
	}
	if _, ok := p.Volumes["postgres-data"]; ok {
		t.Error("postgres volume declared without postgres")
	}
	if ports := p.Services["api-sidecar"].Ports; ports != nil {
		t.Errorf("host_port -1 still publishes %+v", ports)
	}
	if got := *p.Services["api"].Environment["SERVER_PORT"]; got != "9999" {
		t.Errorf("the workspace's env should win: SERVER_PORT=%s", got)
	}
	tool := p.Services["tool"]
	if _, ok := p.Services["tool-sidecar"]; ok || tool.NetworkMode != "" || tool.Networks == nil || tool.Ports[0].HostIP != "127.0.0.1" {
		t.Errorf("an unmeshed service should join the network itself: %+v", tool)
	}
	if tool.Build == nil || !strings.HasSuffix(tool.Build.Context, "/tool") || tool.Image != "hms-tool" {
		t.Errorf("build service: image %q build %+v", tool.Image, tool.Build)
	}
}

func TestPublishedPortClash(t *testing.T) {
	_, err := Build(parse(t, "services:\n  api:\n    image: x\n    port: 8000\n"))
	fe, ok := fix.As(err)
	if !ok || !strings.Contains(fe.What, "127.0.0.1:8000") || !strings.Contains(fe.What, "kong-sidecar") {
		t.Fatalf("want a clash on 8000 naming kong-sidecar, got %v", err)
	}
}

// TestKafkaHostListener: a client on the host is told to come back to the
// published 127.0.0.1 port ("kafka" does not resolve there); with nothing
// published there is no such listener.
func TestKafkaHostListener(t *testing.T) {
	k := build(t, "infra:\n  kafka:\n    ports: {9092: 19092}\n").Services["kafka"]
	if got := *k.Environment["KAFKA_ADVERTISED_LISTENERS"]; got != "PLAINTEXT://kafka:9092,HOST://127.0.0.1:19092" {
		t.Errorf("advertised %s", got)
	}
	if len(k.Ports) != 1 || k.Ports[0].Published != "19092" || k.Ports[0].Target != 29092 {
		t.Errorf("ports %+v", k.Ports)
	}
	k = build(t, "infra:\n  kafka:\n    ports: {9092: 0}\n").Services["kafka"]
	if got := *k.Environment["KAFKA_ADVERTISED_LISTENERS"]; got != "PLAINTEXT://kafka:9092" || k.Ports != nil {
		t.Errorf("unpublished kafka: advertised %s ports %+v", got, k.Ports)
	}
}

// TestKafkaClusterIDIsAKafkaUuid: the image formats storage with CLUSTER_ID,
// which Kafka (3.3-3.6 at format time) requires to be a Uuid: 16 bytes in
// URL-safe base64 without padding, not starting with '-' (which the storage
// tool's argument parser would take for a flag).
func TestKafkaClusterIDIsAKafkaUuid(t *testing.T) {
	id := *build(t, "project: hms\n").Services["kafka"].Environment["CLUSTER_ID"]
	raw, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil || len(raw) != 16 || len(id) != 22 || strings.HasPrefix(id, "-") {
		t.Errorf("CLUSTER_ID %q: %d bytes, err %v; want a 22-character base64url Uuid", id, len(raw), err)
	}
}

// TestPostgresHealthcheckUsesTCP: during initdb the image runs a socket-only
// temporary server, so only a TCP probe waits for the real one.
func TestPostgresHealthcheckUsesTCP(t *testing.T) {
	test := build(t, "project: hms\n").Services["postgres"].HealthCheck.Test
	if !slices.Contains(test, "pg_isready") || !slices.Contains(test, "-h") || test[slices.Index(test, "-h")+1] != "127.0.0.1" {
		t.Errorf("postgres healthcheck %v, want pg_isready -h 127.0.0.1", test)
	}
}

// A changed dataplane or kong.yml must change the config of exactly the
// containers that mount it, or kuma-dp and Kong keep running the old file.
func TestMountedFileChangeChangesTheMountingServicesOnly(t *testing.T) {
	base := string(workspace.DefaultConfig())
	before := build(t, base)
	ws := parse(t, base)
	ws.Config.Services = append(ws.Config.Services, workspace.Service{Name: "billing", Port: 8090, Demo: true, Route: "/api/billing"})
	wf := ws.Service("hms-onboarding-workflow")
	wf.Calls = append(wf.Calls, "billing")
	after, err := Build(ws)
	if err != nil {
		t.Fatal(err)
	}

	changed := map[string]bool{}
	for name, s := range before.Services {
		if s.Labels[MountsDigestLabel] != after.Services[name].Labels[MountsDigestLabel] {
			changed[name] = true
		}
	}
	want := map[string]bool{"hms-onboarding-workflow-sidecar": true, "kong-sidecar": true, "kong": true}
	if len(changed) != len(want) {
		t.Fatalf("services whose mounts digest changed = %v, want %v", changed, want)
	}
	for name := range want {
		if !changed[name] {
			t.Errorf("%s mounts a changed file but its digest did not change", name)
		}
	}
	if after.Services["billing-sidecar"].Labels[MountsDigestLabel] == "" {
		t.Error("billing-sidecar has no mounts digest")
	}
}
