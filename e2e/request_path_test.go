package e2e

// Issue 5's acceptance, end to end on the engine with the stand-in images:
// the request path through Kong and the mesh, verify, logs -f, doctor, and
// add-service. Host ports come from 4xxxx.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/hms-platform/hmsdev/internal/demo"
	"github.com/hms-platform/hmsdev/orchestrator"
)

// pathStack is a workspace of the default HMS stack on stand-in images.
type pathStack struct {
	dir, project string
	kong         int // Kong's proxy on 127.0.0.1
}

// newPathStack writes the default workspace (hmsdev init), then points its
// infrastructure at the stand-ins and its published ports at free 4xxxx ports.
func newPathStack(t *testing.T, prefix string) *pathStack {
	t.Helper()
	requirePart(t, "kuma-cp", "kuma-dp", "kong", "zipkin")
	s := &pathStack{dir: t.TempDir(), project: UniqueProject(t, prefix), kong: FreePort(t, 40000, 50000)}
	MustHmsdev(t, s.dir, "init")
	probe := func(url string) string {
		return fmt.Sprintf("\n    healthcheck:\n      test: [\"CMD\", \"/standin\", \"probe\", %q]\n      interval: 1s", url)
	}
	yml := fmt.Sprintf(`project: %s
kuma:
  mtls: permissive
infra:
  kuma-cp:
    image: %s
    ports: {5681: %d, 5680: 0}%s
  kuma-dp:
    image: %s
  kong:
    image: %s
    ports: {8000: %d, 8001: %d}%s
  zipkin:
    image: %s
    ports: {9411: %d}%s
  postgres:
    enabled: false
  kafka:
    enabled: false
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
`, s.project,
		PartImage("kuma-cp"), FreePort(t, 40000, 50000), probe("http://127.0.0.1:5681/"),
		PartImage("kuma-dp"),
		PartImage("kong"), s.kong, FreePort(t, 40000, 50000), probe("http://127.0.0.1:8001/status"),
		PartImage("zipkin"), FreePort(t, 40000, 50000), probe("http://127.0.0.1:9411/health"),
		FreePort(t, 40000, 50000), FreePort(t, 40000, 50000))
	WriteFile(t, s.dir, "hmsdev.yaml", yml)
	return s
}

func (s *pathStack) run(t *testing.T, args ...string) Result {
	t.Helper()
	return Hmsdev(t, s.dir, nil, args...)
}

func (s *pathStack) up(t *testing.T) {
	t.Helper()
	MustHmsdev(t, s.dir, "up")
}

// post sends the seed's request through Kong and decodes the echo.
func (s *pathStack) post(t *testing.T, path, trace string) (int, demo.Echo) {
	t.Helper()
	req, _ := http.NewRequest("POST", fmt.Sprintf("http://127.0.0.1:%d%s", s.kong, path), strings.NewReader(`{"tenantName":"Acme Corp"}`))
	req.Header.Set("x-hms-trace-id", trace)
	req.Header.Set("x-hms-tenant-id", "acme")
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 15 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var e demo.Echo
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("POST %s: %d, not a demo echo: %s", path, resp.StatusCode, body)
	}
	return resp.StatusCode, e
}

// checkResults runs verify or doctor with -o json and returns the results
// by check id, and the exit code.
func (s *pathStack) checkResults(t *testing.T, command string) (map[string]pathCheck, int, string) {
	t.Helper()
	r := s.run(t, command, "-o", "json")
	out := map[string]pathCheck{}
	for _, line := range strings.Split(strings.TrimSpace(r.Stdout), "\n") {
		var c pathCheck
		if json.Unmarshal([]byte(line), &c) == nil && c.Check != "" {
			out[c.Check] = c
		}
	}
	return out, r.Code, r.Stdout + r.Stderr
}

type pathCheck struct {
	Check, Title, Status, Fix string
	Evidence                  []string
}

func (c pathCheck) says(s string) bool {
	return strings.Contains(strings.Join(c.Evidence, "\n")+"\n"+c.Fix, s)
}

func TestRequestPath(t *testing.T) {
	s := newPathStack(t, "path")
	s.up(t)

	t.Run("the seed's request reaches the workflow through bff's sidecar", func(t *testing.T) {
		code, e := s.post(t, "/api/auth/onboarding/start", "T")
		if code != 200 || e.Service != "hms-auth-bff" || len(e.Calls) != 1 {
			t.Fatalf("%d %+v", code, e)
		}
		call := e.Calls[0]
		if call.Service != "hms-onboarding-workflow" || call.URL != "http://127.0.0.1:10002" || call.Status != 200 {
			t.Fatalf("bff's call: %+v", call)
		}
		var wf demo.Echo
		if err := json.Unmarshal(call.Response, &wf); err != nil {
			t.Fatal(err)
		}
		if wf.Headers["x-hms-trace-id"] != "T" || wf.Headers["x-hms-tenant-id"] != "acme" || wf.Body != `{"tenantName":"Acme Corp"}` {
			t.Errorf("workflow received %v %q", wf.Headers, wf.Body)
		}
		if !strings.HasPrefix(wf.RemoteAddr, "127.0.0.1:") {
			t.Errorf("workflow heard the request from %s, not from its sidecar", wf.RemoteAddr)
		}
	})

	t.Run("verify passes all eight checks", func(t *testing.T) {
		rs, code, out := s.checkResults(t, "verify")
		if code != 0 || len(rs) != 8 {
			t.Fatalf("exit %d, %d checks\n%s", code, len(rs), out)
		}
		for id, c := range rs {
			if c.Status != "PASS" {
				t.Errorf("%s: %s %v", id, c.Status, c.Evidence)
			}
		}
	})

	t.Run("doctor finds nothing wrong", func(t *testing.T) {
		if rs, code, out := s.checkResults(t, "doctor"); code != 0 || rs["sidecar:hms-onboarding-workflow"].Status != "OK" {
			t.Errorf("exit %d\n%s", code, out)
		}
	})

	t.Run("logs -f shows two services' lines as they are written", func(t *testing.T) {
		var out pathSyncBuf
		cmd := exec.Command(hmsdevBin, "logs", "-f", "--tail", "0")
		cmd.Dir, cmd.Env = s.dir, append(os.Environ(), "NO_COLOR=1")
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() }()
		// Each attempt sends a new request (the first may come before logs
		// attached) and looks for any request sent so far.
		var traces []string
		eventuallyOK(t, 20*time.Second, func() string {
			trace := fmt.Sprintf("follow-%d", len(traces)+1)
			traces = append(traces, trace)
			s.post(t, "/api/auth/onboarding/start", trace)
			got := out.String()
			for _, trace := range traces {
				if pathContainsLine(got, "hms-auth-bff ", trace) && pathContainsLine(got, "hms-onboarding-workflow ", trace) {
					return ""
				}
			}
			return fmt.Sprintf("no request of %v in both services' lines:\n%s", traces, got)
		})
	})

	t.Run("a stopped workflow sidecar fails service-to-service and dataplanes", func(t *testing.T) {
		zero := 0
		if _, err := api.ContainerStop(context.Background(), ContainerID(t, s.project, "hms-onboarding-workflow-sidecar"), client.ContainerStopOptions{Timeout: &zero}); err != nil {
			t.Fatal(err)
		}
		eventuallyOK(t, 20*time.Second, func() string {
			rs, code, out := s.checkResults(t, "verify")
			if code == 0 || rs["dataplanes"].Status != "FAIL" || !rs["dataplanes"].says("offline or missing: hms-onboarding-workflow") ||
				rs["service-to-service"].Status != "FAIL" || !rs["service-to-service"].says("hms-auth-bff -> hms-onboarding-workflow") {
				return fmt.Sprintf("verify, exit %d:\n%s", code, out)
			}
			return ""
		})
		s.up(t) // starts the sidecar again, and the app in its namespace
		eventuallyOK(t, 30*time.Second, func() string {
			if _, code, out := s.checkResults(t, "verify"); code != 0 {
				return "verify after up:\n" + out
			}
			return ""
		})
	})

	t.Run("doctor names a sidecar given a wrong control-plane address", func(t *testing.T) {
		compose, err := os.ReadFile(filepath.Join(s.dir, "docker-compose.yml"))
		if err != nil {
			t.Fatal(err)
		}
		broken, ok := wrongCPAddress(string(compose), "hms-onboarding-workflow-sidecar:", "https://kuma-cp-typo:5678")
		if !ok {
			t.Fatalf("no KUMA_CONTROL_PLANE_URL for the workflow sidecar in:\n%s", compose)
		}
		WriteFile(t, s.dir, "broken-compose.yml", broken)
		s.run(t, "up", "-f", "broken-compose.yml", "-p", s.project, "--wait-timeout", "5s") // fails: the sidecar never connects
		eventuallyOK(t, 20*time.Second, func() string {
			rs, code, out := s.checkResults(t, "doctor")
			f := rs["sidecar:hms-onboarding-workflow"]
			if code == 0 || f.Status != "PROBLEM" || !strings.Contains(f.Title, "hms-onboarding-workflow-sidecar") ||
				!f.says("https://kuma-cp-typo:5678") || !strings.Contains(f.Fix, "https://kuma-cp:5678") {
				return fmt.Sprintf("doctor, exit %d:\n%s", code, out)
			}
			return ""
		})
	})

	t.Run("down leaves nothing of the project", func(t *testing.T) {
		MustHmsdev(t, s.dir, "down")
		if cs := Containers(t, s.project); len(cs) != 0 {
			t.Errorf("containers left: %v", slices.Sorted(maps.Keys(cs)))
		}
		nets, err := api.NetworkList(context.Background(), client.NetworkListOptions{Filters: client.Filters{}.Add("label", orchestrator.LabelProject+"="+s.project)})
		if err != nil || len(nets.Items) != 0 {
			t.Errorf("networks left: %v %v", nets.Items, err)
		}
	})
}

func TestAddServiceJoinsTheRequestPath(t *testing.T) {
	s := newPathStack(t, "billing")
	s.up(t)
	MustHmsdev(t, s.dir, "add-service", "billing", "--port", "8080", "--called-by", "hms-onboarding-workflow", "--route", "/api/billing")
	// billing's port 8080 would be published on 127.0.0.1:8080; keep this
	// test off the machine's common ports.
	f, err := os.OpenFile(filepath.Join(s.dir, "hmsdev.yaml"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "    host_port: %d\n", FreePort(t, 40000, 50000))
	f.Close()
	s.up(t)
	if c := Containers(t, s.project); c["billing"].State != "running" || c["billing-sidecar"].State != "running" {
		t.Fatalf("billing: %s, billing-sidecar: %s", c["billing"].State, c["billing-sidecar"].State)
	}
	// Kong reads kong.yml, and a sidecar its dataplane file, only when they
	// start: up must restart them when add-service changed those files.
	const hint = "(did up restart kong and hms-onboarding-workflow-sidecar after add-service changed kong/kong.yml and kuma/dataplanes/hms-onboarding-workflow.yaml?)"
	if code, e := s.post(t, "/api/billing/invoices", "B"); code != 200 || e.Service != "billing" {
		t.Errorf("/api/billing through Kong: %d %+v %s", code, e, hint)
	}
	rs, code, out := s.checkResults(t, "verify")
	if code != 0 {
		t.Fatalf("verify after add-service: exit %d %s\n%s", code, hint, out)
	}
	if !rs["headers"].says("billing received x-hms-trace-id") {
		t.Errorf("the deepest chain should now end at billing: %v", rs["headers"].Evidence)
	}
}

// wrongCPAddress replaces the control-plane URL in one service's block.
func wrongCPAddress(compose, service, addr string) (string, bool) {
	i := strings.Index(compose, "\n  "+service)
	if i < 0 {
		return "", false
	}
	j := strings.Index(compose[i:], "KUMA_CONTROL_PLANE_URL: ")
	if j < 0 {
		return "", false
	}
	j += i
	k := strings.IndexByte(compose[j:], '\n') + j
	return compose[:j] + "KUMA_CONTROL_PLANE_URL: " + addr + compose[k:], true
}

func pathContainsLine(out, prefix, s string) bool {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, prefix) && strings.Contains(l, s) {
			return true
		}
	}
	return false
}

// pathSyncBuf collects a child's output while the test reads it.
type pathSyncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *pathSyncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *pathSyncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
