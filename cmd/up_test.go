package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hms-platform/hmsdev/orchestrator"
)

// up's phases are named in DESIGN.md's order, every one with a body.
func TestUpPhasesInOrder(t *testing.T) {
	var titles []string
	for _, ph := range upPhases() {
		if ph.run == nil {
			t.Errorf("phase %s has no body", ph.title)
		}
		titles = append(titles, ph.title)
	}
	want := "Preflight Images Orphans Infrastructure Mesh Services Dataplanes"
	if got := strings.Join(titles, " "); got != want {
		t.Errorf("phases %q, want %q", got, want)
	}
}

// The closing summary reads the project's published ports, so hmsdev.yaml's
// overrides show; an app's port is its sidecar's, and a sidecar that is
// down is what the app's state says.
func TestEndpointsFollowPortOverrides(t *testing.T) {
	dir := t.TempDir()
	y := `project: ep
infra:
  kong: {ports: {8000: 18000, 8001: 18001}}
  kuma-cp: {ports: {5681: 15681}}
  zipkin: {ports: {9411: 19411}}
  postgres: {enabled: false}
  kafka: {enabled: false}
services:
  hms-auth-bff: {demo: true, port: 8080, host_port: 18080}
`
	if err := os.WriteFile(filepath.Join(dir, "hmsdev.yaml"), []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	_, p, err := loadProject(dir)
	if err != nil {
		t.Fatal(err)
	}
	states := []orchestrator.ContainerState{
		{Service: "kong", State: "running", Health: "healthy"}, {Service: "kong-sidecar", State: "running"},
		{Service: "kuma-cp", State: "running"}, {Service: "zipkin", State: "running"},
		{Service: "hms-auth-bff", State: "running", Health: "healthy"}, {Service: "hms-auth-bff-sidecar", State: "exited"},
	}
	var got []string
	for _, e := range endpoints(p, states) {
		got = append(got, e.Name+" "+e.URL+" "+e.State)
	}
	want := []string{
		"Kong proxy http://127.0.0.1:18000 running (healthy)",
		"Kong admin http://127.0.0.1:18001 running (healthy)",
		"Kuma GUI http://127.0.0.1:15681/gui/ running",
		"Zipkin UI http://127.0.0.1:19411/zipkin/ running",
		"hms-auth-bff http://127.0.0.1:18080 hms-auth-bff-sidecar exited",
	}
	for _, w := range want {
		if !strings.Contains(strings.Join(got, "\n"), w) {
			t.Errorf("summary lacks %q:\n%s", w, strings.Join(got, "\n"))
		}
	}
	if strings.Contains(strings.Join(got, "\n"), "sidecar http") {
		t.Errorf("a sidecar has its own line:\n%s", strings.Join(got, "\n"))
	}
}
