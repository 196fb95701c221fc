package checks

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hms-platform/hmsdev/e2e/standin/kong"
	"github.com/hms-platform/hmsdev/internal/demo"
	"github.com/hms-platform/hmsdev/internal/stack"
	"github.com/hms-platform/hmsdev/kuma"
)

// fakeCP is a control plane in a known state.
type fakeCP struct {
	err        error
	mesh       map[string]any
	dataplanes []kuma.Dataplane
	policies   []kuma.Policy
}

func (f *fakeCP) Ready(context.Context) (kuma.Info, error) {
	return kuma.Info{Product: "Kuma", Version: "2.5.0", Hostname: "kuma-cp"}, f.err
}
func (f *fakeCP) Mesh(context.Context, string) (map[string]any, error) { return f.mesh, f.err }
func (f *fakeCP) Dataplanes(context.Context, string) ([]kuma.Dataplane, error) {
	return f.dataplanes, f.err
}
func (f *fakeCP) Policies(context.Context, string) ([]kuma.Policy, error) { return f.policies, f.err }

// fakeEngine serves containers, their logs and a metrics page.
type fakeEngine struct {
	containers []stack.Container
	configs    map[string]stack.Config
	logs       map[string]string
	metrics    string
	fetchErr   error
	portsErr   error
}

func (f *fakeEngine) PortsFree(context.Context) error { return f.portsErr }

func (f *fakeEngine) Containers(context.Context) ([]stack.Container, error) { return f.containers, nil }
func (f *fakeEngine) Inspect(_ context.Context, c stack.Container) (stack.Config, error) {
	return f.configs[c.Service], nil
}
func (f *fakeEngine) Tail(_ context.Context, c stack.Container, _ int) (string, error) {
	return f.logs[c.Service], nil
}
func (f *fakeEngine) Fetch(_ context.Context, c stack.Container, url string) ([]byte, error) {
	if f.fetchErr != nil {
		return nil, f.fetchErr
	}
	if url != metricsURL {
		return nil, errors.New("unexpected URL " + url)
	}
	return []byte(f.metrics), nil
}

// healthyStack is the default HMS stack, all well: Kong (the stand-in) in
// front of two demo services, bff calling workflow.
type healthyStack struct {
	Stack
	cp       *fakeCP
	engine   *fakeEngine
	workflow *httptest.Server
	// workflowDown makes the workflow unreachable the way a stopped sidecar
	// does: the caller's outbound answers 503.
	workflowDown *atomic.Bool
}

func newHealthyStack(t *testing.T) *healthyStack {
	t.Helper()
	wfDown := &atomic.Bool{}
	wfDemo := demo.NewServer(demo.Config{Service: "hms-onboarding-workflow"}, nil, nil)
	wf := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if wfDown.Load() { // what bff's Envoy answers when the workflow's sidecar is gone
			http.Error(w, "upstream connect error or disconnect/reset before headers. reset reason: connection failure", http.StatusServiceUnavailable)
			return
		}
		wfDemo.ServeHTTP(w, r)
	}))
	t.Cleanup(wf.Close)
	bff := httptest.NewServer(demo.NewServer(demo.Config{Service: "hms-auth-bff",
		Calls: []demo.Call{{Service: "hms-onboarding-workflow", URL: wf.URL}}}, nil, nil))
	t.Cleanup(bff.Close)
	cfg, err := kong.Parse([]byte("_format_version: \"3.0\"\nservices:\n- name: hms-auth-bff\n  url: " + bff.URL + "\n  routes:\n  - name: auth\n    paths: [/api/auth]\n"))
	if err != nil {
		t.Fatal(err)
	}
	gw := httptest.NewServer(kong.NewGateway(cfg, nil).Proxy())
	t.Cleanup(gw.Close)
	gui := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/gui/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html>"))
	}))
	t.Cleanup(gui.Close)

	now := time.Now()
	cp := &fakeCP{
		mesh: map[string]any{"mtls": map[string]any{"enabledBackend": "ca-1",
			"backends": []any{map[string]any{"name": "ca-1", "type": "builtin", "mode": "PERMISSIVE"}}}},
		dataplanes: []kuma.Dataplane{
			{Name: "hms-auth-bff", Online: true, Since: &now},
			{Name: "hms-onboarding-workflow", Online: true, Since: &now},
			{Name: "kong", Online: true, Since: &now},
		},
		policies: []kuma.Policy{{Type: "MeshRetry", Name: "retry"}, {Type: "MeshTrace", Name: "trace"}, {Type: "TrafficRoute", Name: "route-all-default", Legacy: true}},
	}
	engine := &fakeEngine{
		configs: map[string]stack.Config{},
		logs:    map[string]string{},
		containers: []stack.Container{
			{ID: "1", Service: "hms-auth-bff-sidecar", State: "running", Status: "Up", HostPorts: []int{8080}},
			{ID: "2", Service: "hms-onboarding-workflow-sidecar", State: "running", Status: "Up"},
			{ID: "3", Service: "kong-sidecar", State: "running", Status: "Up"},
			{ID: "4", Service: "kuma-cp", State: "running", Status: "Up"},
		},
		metrics: "# TYPE envoy_cluster_upstream_rq_total counter\nenvoy_cluster_upstream_rq_total{envoy_cluster_name=\"hms-onboarding-workflow\"} 3\nenvoy_server_live 1\n",
	}
	target := Target{
		Project: "hms", Mesh: "default", MTLS: "permissive", KumaAPI: gui.URL, KongProxy: gw.URL, CPAddress: cpAddress,
		Sidecars: []Sidecar{{"hms-auth-bff", "hms-auth-bff-sidecar"}, {"hms-onboarding-workflow", "hms-onboarding-workflow-sidecar"}, {"kong", "kong-sidecar"}},
		Chain:    Chain{Route: "/api/auth", Hops: []Hop{{Service: "hms-auth-bff"}, {Service: "hms-onboarding-workflow", Via: wf.URL}}},
		Policies: []kuma.Policy{{Type: "MeshRetry", Name: "retry"}, {Type: "MeshTrace", Name: "trace"}},
		Ports:    []Port{{Service: "hms-auth-bff-sidecar", Host: 8080, Target: 8080}, {Service: "kuma-cp", Host: 5681, Target: 5681}},
	}
	return &healthyStack{
		Stack:        Stack{Target: target, CP: cp, HTTP: http.DefaultClient, Engine: engine, NewID: func() string { return "T1" }},
		cp:           cp,
		engine:       engine,
		workflow:     wf,
		workflowDown: wfDown,
	}
}

// byID indexes results by check id.
func byID(rs []Result) map[string]Result {
	m := map[string]Result{}
	for _, r := range rs {
		m[r.ID] = r
	}
	return m
}

func evidence(r Result) string { return strings.Join(r.Evidence, "\n") }
