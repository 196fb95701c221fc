package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/hms-platform/hmsdev/kuma"
)

// meshStack is the default HMS stack (two demo services, Kong, Zipkin) on
// the stand-in images, with postgres and kafka off and every published
// port moved into the 3xxxx range.
type meshStack struct {
	dir, project, api string
	kong              int // Kong's proxy port on 127.0.0.1
}

func newMeshStack(t *testing.T) *meshStack {
	t.Helper()
	s := &meshStack{dir: t.TempDir(), project: UniqueProject(t, "kuma")}
	port := func() int { return FreePort(t, 30000, 39000) }
	apiPort := port()
	s.api = fmt.Sprintf("http://127.0.0.1:%d", apiPort)
	s.kong = port()
	y := fmt.Sprintf(`project: %s
kuma: {version: 2.5.0, mtls: permissive, mesh: default}
infra:
  kuma-cp: {image: %s, ports: {5681: %d, 5680: %d}}
  kuma-dp: {image: %s}
  kong: {image: %s, ports: {8000: %d, 8001: %d}, healthcheck: {disable: true}}
  zipkin: {image: %s, ports: {9411: %d}}
  postgres: {enabled: false}
  kafka: {enabled: false}
services:
  hms-auth-bff:
    demo: true
    port: 8080
    host_port: %d
    calls: [hms-onboarding-workflow]
    route: /api/auth
  hms-onboarding-workflow:
    demo: true
    port: 8081
    host_port: %d
    route: /api/v1
`, s.project, PartImage("kuma-cp"), apiPort, port(), PartImage("kuma-dp"), PartImage("kong"), s.kong, port(),
		PartImage("zipkin"), port(), port(), port())
	// init writes kuma/ (mesh, policies) and kong/; then the stack is ours.
	MustHmsdev(t, s.dir, "init")
	WriteFile(t, s.dir, "hmsdev.yaml", y)
	return s
}

func (s *meshStack) up(t *testing.T, args ...string) Result {
	t.Helper()
	return MustHmsdev(t, s.dir, append([]string{"up", "--wait-timeout", "60s"}, args...)...)
}

// throughMesh asks, from hms-auth-bff's namespace, 127.0.0.1:<its outbound
// for the workflow> and returns the answer.
func (s *meshStack) throughMesh(t *testing.T) string {
	t.Helper()
	out, _ := Exec(t, ContainerID(t, s.project, "hms-auth-bff"), "/hmsdev", "demo-service", "fetch", "http://127.0.0.1:10002/api/v1/ping")
	return out
}

// bypassingMesh asks the workflow's inbound (Envoy's port, app port +
// 10000) directly from hms-auth-bff's namespace, in plaintext.
func (s *meshStack) bypassingMesh(t *testing.T) string {
	t.Helper()
	out, _ := Exec(t, ContainerID(t, s.project, "hms-auth-bff"), "/hmsdev", "demo-service", "fetch", "http://hms-onboarding-workflow:18081/api/v1/ping")
	return out
}

// viaKong asks Kong's proxy on the host for the workflow's route.
func (s *meshStack) viaKong(t *testing.T) string {
	t.Helper()
	resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/api/v1/ping", s.kong))
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// fromWorkflow reports whether an answer came from the workflow's echo.
func fromWorkflow(out string) bool {
	return strings.Contains(strings.ReplaceAll(out, " ", ""), `"service":"hms-onboarding-workflow"`)
}

func TestKumaMesh(t *testing.T) {
	requirePart(t, "kuma-cp", "kuma-dp", "kong", "zipkin")
	s := newMeshStack(t)
	ctx := context.Background()
	c := kuma.New(s.api)

	// up: the CP is awaited, the mesh and policies applied, the sidecars online.
	// Its Kuma steps are progress lines like the containers' (plain when piped).
	r := s.up(t)
	for _, want := range []string{`kuma\s+control-plane\s+wait\s+done.*Kuma 2\.5`, `kuma\s+MeshRetry/hms-retry\s+create\s+done`,
		`dataplane\s+hms-auth-bff\s+connect\s+done.*online`, `dataplane\s+kong\s+connect\s+done.*online`,
		`Kong proxy\s+http://127\.0\.0\.1:` + fmt.Sprint(s.kong) + `\s+running`, `Kuma GUI\s+` + s.api + `/gui/\s+running`} {
		if !regexp.MustCompile(`(?m)^` + want).MatchString(r.Stdout) {
			t.Errorf("up's output lacks %q:\n%s", want, r.Stdout)
		}
	}
	m, err := c.Mesh(ctx, "default")
	if err != nil || kuma.MTLSMode(m) != "PERMISSIVE" {
		t.Fatalf("mesh: %v %v", m, err)
	}
	for _, p := range [][2]string{{"MeshRetry", "hms-retry"}, {"MeshCircuitBreaker", "hms-circuit-breaker"},
		{"MeshTimeout", "hms-timeout"}, {"MeshTrace", "hms-trace"}, {"MeshTrafficPermission", "hms-allow-all"}} {
		if _, err := c.Get(ctx, p[0], "default", p[1]); err != nil {
			t.Errorf("GET %s/%s: %v", p[0], p[1], err)
		}
	}
	checkOnline(t, c)
	if out := s.throughMesh(t); !fromWorkflow(out) {
		t.Fatalf("bff -> 127.0.0.1:10002 did not reach the workflow: %s", out)
	}

	if out := s.bypassingMesh(t); !fromWorkflow(out) {
		t.Fatalf("PERMISSIVE: plaintext to the workflow's inbound failed: %s", out)
	}
	if out := s.viaKong(t); !fromWorkflow(out) {
		t.Fatalf("Kong -> workflow failed: %s", out)
	}

	st := s.status(t)
	if st.Mesh == nil || st.Mesh.Version == "" || st.Mesh.MTLS != "PERMISSIVE" || len(st.Mesh.Offline()) > 0 || len(st.Mesh.Dataplanes) != 3 ||
		!slices.Contains(st.Mesh.Policies, kuma.Policy{Type: "MeshRetry", Name: "hms-retry"}) || len(st.Containers) != 8 {
		t.Errorf("status -o json: %+v", st)
	}

	// A second up changes nothing in the mesh; its JSON events carry the Kuma steps.
	r = s.up(t, "-o", "json")
	kumaSteps := 0
	for _, line := range strings.Split(strings.TrimSpace(r.Stdout), "\n") {
		var ev struct{ Kind, Service, Action, State string }
		json.Unmarshal([]byte(line), &ev)
		if ev.Kind == "kuma" || ev.Kind == "dataplane" {
			kumaSteps++
		}
		if ev.Kind == "kuma" && (ev.Action == "create" || ev.Action == "update") {
			t.Errorf("second up re-applied: %s", line)
		}
	}
	if kumaSteps < 10 { // the control plane, the mesh, 5 policies, 3 dataplanes
		t.Errorf("second up's JSON has %d Kuma steps:\n%s", kumaSteps, r.Stdout)
	}

	t.Run("apply errors", func(t *testing.T) { applyErrors(t, s) })

	// STRICT: the mesh says so and the call through the mesh still works.
	MustHmsdev(t, s.dir, "mesh", "mtls", "strict")
	m, _ = c.Mesh(ctx, "default")
	if kuma.MTLSMode(m) != "STRICT" {
		t.Fatalf("mesh after strict: %v", m)
	}
	// The sidecars hear of the change within a second: await plaintext being refused.
	if !eventually(10*time.Second, func() bool { return !fromWorkflow(s.bypassingMesh(t)) }) {
		t.Fatalf("under STRICT, plaintext to the workflow's inbound still works: %s", s.bypassingMesh(t))
	}
	if out := s.throughMesh(t); !fromWorkflow(out) {
		t.Fatalf("under STRICT, bff -> workflow failed: %s", out)
	}
	if out := s.viaKong(t); !fromWorkflow(out) {
		t.Fatalf("under STRICT, Kong -> workflow failed: %s", out)
	}
	if out := s.bypassingMesh(t); fromWorkflow(out) {
		t.Fatalf("under STRICT, plaintext to the workflow's inbound still works: %s", out)
	}
	if b, _ := os.ReadFile(filepath.Join(s.dir, "kuma", "mesh-default.yaml")); !strings.Contains(string(b), "mode: STRICT") || !strings.Contains(string(b), "# The default Mesh") {
		t.Errorf("mesh-default.yaml not updated with its comments kept:\n%s", b)
	}
	// hmsdev.yaml says so too, or the next up would refuse the disagreement.
	if b, _ := os.ReadFile(filepath.Join(s.dir, "hmsdev.yaml")); !strings.Contains(string(b), "kuma: {version: 2.5.0, mtls: strict, mesh: default}") {
		t.Errorf("hmsdev.yaml's kuma.mtls not set in place:\n%s", b)
	}

	// A new control plane (memory store) forgets everything: up applies it
	// all again and the sidecars come back.
	cp := Containers(t, s.project)["kuma-cp"]
	if _, err := api.ContainerRemove(ctx, cp.ID, client.ContainerRemoveOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	// Meanwhile status shows the containers and says why the mesh is missing.
	if st := s.status(t); st.Mesh != nil || !strings.Contains(st.MeshUnavailable, "no kuma-cp container") || len(st.Containers) != 7 {
		t.Errorf("status without a control plane: %+v", st)
	}
	r = s.up(t)
	if !regexp.MustCompile(`(?m)^kuma\s+MeshRetry/hms-retry\s+create\s+done`).MatchString(r.Stdout) {
		t.Errorf("up after a new CP did not re-create the policies:\n%s", r.Stdout)
	}
	m, _ = c.Mesh(ctx, "default")
	if kuma.MTLSMode(m) != "STRICT" {
		t.Errorf("mesh after CP recreation: %v", m)
	}
	checkOnline(t, c)
	if !eventually(10*time.Second, func() bool {
		return fromWorkflow(s.throughMesh(t))
	}) {
		t.Fatalf("after the CP came back, bff -> workflow failed: %s", s.throughMesh(t))
	}
}

// meshStatusDoc is `hmsdev status -o json`.
type meshStatusDoc struct {
	Containers      []struct{ Service, State string }
	Mesh            *kuma.Status
	MeshUnavailable string `json:"mesh_unavailable"`
}

// status runs `hmsdev status -o json`: one JSON document, exit 0.
func (s *meshStack) status(t *testing.T) meshStatusDoc {
	t.Helper()
	r := Hmsdev(t, s.dir, nil, "status", "-o", "json")
	var doc meshStatusDoc
	if err := json.Unmarshal([]byte(r.Stdout), &doc); r.Code != 0 || err != nil || strings.Count(strings.TrimSpace(r.Stdout), "\n") != 0 {
		t.Fatalf("status -o json: exit %d, %v:\n%s%s", r.Code, err, r.Stdout, r.Stderr)
	}
	return doc
}

func checkOnline(t *testing.T, c *kuma.Client) {
	t.Helper()
	dps, err := c.Dataplanes(context.Background(), "default")
	if err != nil {
		t.Fatal(err)
	}
	online := map[string]bool{}
	for _, dp := range dps {
		online[dp.Name] = dp.Online
	}
	for _, n := range []string{"hms-auth-bff", "hms-onboarding-workflow", "kong"} {
		if !online[n] {
			t.Errorf("dataplane %s not online: %+v", n, dps)
		}
	}
}

func applyErrors(t *testing.T, s *meshStack) {
	seed, err := os.ReadFile("../kuma/testdata/seed-custom-retry-policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	retry := `type: MeshRetry
mesh: default
name: workflow-retry
spec:
  targetRef: {kind: Mesh}
  to:
    - targetRef: {kind: MeshService, name: hms-onboarding-workflow}
      default:
        http:
          numRetries: 3
          perTryTimeout: 2s
`
	cases := []struct{ name, body, want string }{
		{"seed TrafficRetry", string(seed), `no such type "TrafficRetry"`},
		{"numRetries three", strings.Replace(retry, "numRetries: 3", `numRetries: "three"`, 1), "spec.to[0].default.http.numRetries"},
		{"misspelt key", strings.Replace(retry, "perTryTimeout", "perTryTimout", 1), `spec.to[0].default.http.perTryTimout: did you mean "perTryTimeout"`},
	}
	for _, c := range cases {
		f := WriteFile(t, s.dir, "policy.yaml", c.body)
		r := Hmsdev(t, s.dir, nil, "apply", "-f", f)
		if r.Code == 0 || !strings.Contains(r.Stderr, c.want) {
			t.Errorf("%s: exit %d, stderr lacks %q:\n%s", c.name, r.Code, c.want, r.Stderr)
		}
		if c.name == "seed TrafficRetry" && !strings.Contains(r.Stderr, "use type: MeshRetry") {
			t.Errorf("seed: no MeshRetry advice:\n%s", r.Stderr)
		}
	}
	f := WriteFile(t, s.dir, "policy.yaml", retry)
	if r := Hmsdev(t, s.dir, nil, "apply", "-f", f); r.Code != 0 || !strings.Contains(r.Stdout, "created") {
		t.Errorf("a good MeshRetry: %s%s", r.Stdout, r.Stderr)
	}
}

// A control plane that never gets ready (its store is unreachable): up
// fails after its timeout and shows the CP's last log lines.
func TestKumaControlPlaneNeverReady(t *testing.T) {
	requirePart(t, "kuma-cp", "kuma-dp", "kong", "zipkin")
	s := newMeshStack(t)
	MustHmsdev(t, s.dir, "generate")
	data, err := os.ReadFile(filepath.Join(s.dir, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(data), "KUMA_STORE_TYPE: memory", "KUMA_STORE_TYPE: postgres", 1)
	if broken == string(data) {
		t.Fatalf("no KUMA_STORE_TYPE in the generated compose file:\n%s", data)
	}
	f := WriteFile(t, s.dir, "broken-compose.yml", broken)
	r := Hmsdev(t, s.dir, nil, "up", "-f", f, "-p", s.project, "--wait-timeout", "4s")
	if r.Code == 0 {
		t.Fatalf("up succeeded with a CP that is never ready:\n%s", r.Stdout)
	}
	for _, want := range []string{"Kuma control plane", "last log lines of kuma-cp", "could not connect to the Postgres store"} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("up's error lacks %q:\n%s", want, r.Stderr)
		}
	}
}
