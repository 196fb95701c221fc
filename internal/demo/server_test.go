package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func newDemo(t *testing.T, cfg Config) (*httptest.Server, *bytes.Buffer) {
	t.Helper()
	var log syncBuffer
	srv := httptest.NewServer(NewServer(cfg, nil, &log))
	t.Cleanup(srv.Close)
	return srv, &log.Buffer
}

func TestTwoHopsForwardHeaders(t *testing.T) {
	workflow, _ := newDemo(t, Config{Service: "hms-onboarding-workflow"})
	bff, log := newDemo(t, Config{Service: "hms-auth-bff", Calls: []Call{{Service: "hms-onboarding-workflow", URL: workflow.URL}}})

	req, _ := http.NewRequest("POST", bff.URL+"/onboarding/start?x=1", strings.NewReader(`{"tenantName":"Acme Corp"}`))
	req.Header.Set("x-hms-trace-id", "T-123")
	req.Header.Set("X-HMS-Tenant-Id", "acme")
	req.Header.Set("traceparent", "00-abc-def-01")
	req.Header.Set("Authorization", "Bearer secret") // not propagated
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var e Echo
	if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
		t.Fatal(err)
	}
	if e.Service != "hms-auth-bff" || e.Method != "POST" || e.Path != "/onboarding/start?x=1" || e.Body != `{"tenantName":"Acme Corp"}` {
		t.Errorf("first hop echo: %+v", e)
	}
	if e.Headers["x-hms-trace-id"] != "T-123" || e.Headers["authorization"] != "Bearer secret" {
		t.Errorf("first hop headers: %v", e.Headers)
	}
	if len(e.Calls) != 1 || e.Calls[0].Status != 200 {
		t.Fatalf("calls: %+v", e.Calls)
	}
	var down Echo
	if err := json.Unmarshal(e.Calls[0].Response, &down); err != nil {
		t.Fatal(err)
	}
	if down.Service != "hms-onboarding-workflow" || down.Method != "POST" || down.Path != "/onboarding/start?x=1" || down.Body != `{"tenantName":"Acme Corp"}` {
		t.Errorf("second hop echo: %+v", down)
	}
	for k, want := range map[string]string{"x-hms-trace-id": "T-123", "x-hms-tenant-id": "acme", "traceparent": "00-abc-def-01", "content-type": "application/json"} {
		if down.Headers[k] != want {
			t.Errorf("second hop header %s = %q, want %q", k, down.Headers[k], want)
		}
	}
	if _, ok := down.Headers["authorization"]; ok {
		t.Errorf("authorization was forwarded: %v", down.Headers)
	}
	if !strings.Contains(log.String(), `POST /onboarding/start?x=1 200`) || !strings.Contains(log.String(), `x-hms-trace-id="T-123"`) {
		t.Errorf("log: %q", log.String())
	}
}

func TestFailedCallIs502NamingIt(t *testing.T) {
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no healthy upstream", http.StatusServiceUnavailable)
	}))
	defer broken.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()

	for name, call := range map[string]Call{
		"error status": {Service: "hms-onboarding-workflow", URL: broken.URL},
		"refused":      {Service: "hms-onboarding-workflow", URL: closedURL},
	} {
		t.Run(name, func(t *testing.T) {
			bff, _ := newDemo(t, Config{Service: "hms-auth-bff", Calls: []Call{call}})
			resp, err := http.Get(bff.URL + "/x")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var e Echo
			_ = json.NewDecoder(resp.Body).Decode(&e)
			if resp.StatusCode != http.StatusBadGateway {
				t.Errorf("status %d, want 502", resp.StatusCode)
			}
			if !strings.Contains(e.Error, "hms-onboarding-workflow") || len(e.Calls) != 1 || e.Calls[0].OK() {
				t.Errorf("echo: %+v", e)
			}
		})
	}
}

func TestHealth(t *testing.T) {
	for _, tc := range []struct {
		down   bool
		status int
		body   string
	}{{false, 200, "UP"}, {true, 503, "DOWN"}} {
		srv, log := newDemo(t, Config{Service: "s", HealthDown: tc.down})
		resp, err := http.Get(srv.URL + "/actuator/health")
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		_ = json.NewDecoder(resp.Body).Decode(&m)
		resp.Body.Close()
		if resp.StatusCode != tc.status || m["status"] != tc.body {
			t.Errorf("down=%v: %d %v", tc.down, resp.StatusCode, m)
		}
		if log.Len() != 0 {
			t.Errorf("health was logged: %q", log.String())
		}
		err = Probe(context.Background(), srv.URL+"/actuator/health")
		if (err == nil) == tc.down {
			t.Errorf("down=%v: probe err=%v", tc.down, err)
		}
	}
}

func TestProbeUnreachable(t *testing.T) {
	if err := Probe(context.Background(), "http://127.0.0.1:1/actuator/health"); err == nil {
		t.Fatal("probe of a closed port succeeded")
	}
}

func TestConfigFromEnv(t *testing.T) {
	env := map[string]string{
		"SERVER_PORT":      "9090",
		"HMS_SERVICE_NAME": "hms-auth-bff",
		"HMS_CALLS":        "hms-onboarding-workflow=http://127.0.0.1:10002/, billing=http://127.0.0.1:10003",
	}
	c, err := ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 9090 || c.Service != "hms-auth-bff" || len(c.Calls) != 2 ||
		c.Calls[0] != (Call{"hms-onboarding-workflow", "http://127.0.0.1:10002"}) || c.Calls[1].Service != "billing" {
		t.Errorf("%+v", c)
	}
	c, err = ConfigFromEnv(func(string) string { return "" })
	if err != nil || c.Port != 8080 || c.Service != "demo" || len(c.Calls) != 0 || c.HealthDown {
		t.Errorf("defaults: %+v %v", c, err)
	}
	for _, bad := range []map[string]string{
		{"SERVER_PORT": "x"}, {"HMS_CALLS": "svc"}, {"HMS_CALLS": "svc=127.0.0.1:1"}, {"HMS_DEMO_HEALTH": "maybe"},
	} {
		if _, err := ConfigFromEnv(func(k string) string { return bad[k] }); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}

func TestFetch(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/metrics" {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, "envoy_up 1\n")
	}))
	defer srv.Close()
	var b bytes.Buffer
	if err := Fetch(context.Background(), srv.URL+"/metrics", &b); err != nil || b.String() != "envoy_up 1\n" {
		t.Errorf("fetch: %q %v", b.String(), err)
	}
	if err := Fetch(context.Background(), srv.URL+"/nope", io.Discard); err == nil {
		t.Error("fetch of a 404 succeeded")
	}
}
