package kong

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// upstream echoes the path, query and a few headers it received.
func upstream(t *testing.T, name string) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{
			"name": name, "uri": r.URL.RequestURI(), "host": r.Host,
			"trace": r.Header.Get("x-hms-trace-id"), "xff": r.Header.Get("X-Forwarded-For"),
		})
	}))
	t.Cleanup(s.Close)
	return s
}

func gateway(t *testing.T, yml string) (*Gateway, *bytes.Buffer) {
	t.Helper()
	cfg, err := Parse([]byte(yml))
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	return NewGateway(cfg, &log), &log
}

func get(t *testing.T, h http.Handler, method, target string) (int, map[string]string) {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	req.Header.Set("x-hms-trace-id", "T1")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var m map[string]string
	_ = json.Unmarshal(rec.Body.Bytes(), &m)
	return rec.Code, m
}

func TestRouting(t *testing.T) {
	bff, wf := upstream(t, "bff"), upstream(t, "wf")
	g, log := gateway(t, `_format_version: "3.0"
services:
  - name: hms-auth-bff
    url: `+bff.URL+`
    routes:
      - name: auth
        paths: [/api/auth]
  - name: hms-onboarding-workflow
    host: 127.0.0.1
    port: `+strings.TrimPrefix(wf.URL, "http://127.0.0.1:")+`
    path: /internal
    routes:
      - name: v1
        paths: [/api/v1]
      - name: deep
        paths: [/api/auth/deep]
        strip_path: false
plugins:
  - name: rate-limiting
    config: {minute: 100, policy: local}
`)
	p := g.Proxy()
	for _, tc := range []struct{ target, name, uri string }{
		{"/api/auth/onboarding/start?x=1", "bff", "/onboarding/start?x=1"},
		{"/api/auth", "bff", "/"},
		{"/api/v1/tenants", "wf", "/internal/tenants"},
		{"/api/v1", "wf", "/internal"},
		{"/api/auth/deep/x", "wf", "/internal/api/auth/deep/x"}, // longest prefix wins, not stripped
	} {
		code, m := get(t, p, "POST", tc.target)
		if code != 200 || m["name"] != tc.name || m["uri"] != tc.uri || m["trace"] != "T1" || m["xff"] == "" {
			t.Errorf("%s: %d %v, want %s %s", tc.target, code, m, tc.name, tc.uri)
		}
		if !strings.HasPrefix(m["host"], "127.0.0.1:") {
			t.Errorf("%s: upstream saw host %q, want the upstream's", tc.target, m["host"])
		}
	}
	code, m := get(t, p, "GET", "/nowhere")
	if code != 404 || m["message"] != "no Route matched with those values" {
		t.Errorf("no route: %d %v", code, m)
	}
	if !strings.Contains(log.String(), `"POST /api/auth/onboarding/start?x=1 HTTP/1.1" 200`) {
		t.Errorf("access log: %s", log.String())
	}
}

func TestUpstreamDown(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	g, _ := gateway(t, "_format_version: \"3.0\"\nservices:\n- name: s\n  url: "+dead.URL+"\n  routes:\n  - paths: [/]\n")
	if code, _ := get(t, g.Proxy(), "GET", "/x"); code != 502 {
		t.Errorf("status %d, want 502", code)
	}
}

func TestAdmin(t *testing.T) {
	g, _ := gateway(t, "_format_version: \"3.0\"\nservices:\n- name: s\n  url: http://a:1/p\n  routes:\n  - name: r\n    paths: [/x]\nroutes:\n- name: top\n  service: {name: s}\n  paths: [/y]\n")
	a := g.Admin()
	for _, path := range []string{"/", "/status"} {
		if code, _ := get(t, a, "GET", path); code != 200 {
			t.Errorf("GET %s: %d", path, code)
		}
	}
	rec := httptest.NewRecorder()
	a.ServeHTTP(rec, httptest.NewRequest("GET", "/routes", nil))
	var routes struct{ Data []Route }
	_ = json.Unmarshal(rec.Body.Bytes(), &routes)
	if len(routes.Data) != 2 || routes.Data[1].Service != "s" {
		t.Errorf("routes: %s", rec.Body)
	}
	if code, _ := get(t, a, "POST", "/services"); code != 405 {
		t.Errorf("POST /services: %d, want 405", code)
	}
	// POST /config swaps the whole config for the proxy too.
	rec = httptest.NewRecorder()
	a.ServeHTTP(rec, httptest.NewRequest("POST", "/config", strings.NewReader("_format_version: \"3.0\"\nservices: []\n")))
	if rec.Code != 201 || len(g.Config().Services) != 0 {
		t.Errorf("POST /config: %d %s", rec.Code, rec.Body)
	}
}

func TestParseRejects(t *testing.T) {
	for name, yml := range map[string]string{
		"no version":     "services: []",
		"no host":        "_format_version: \"3.0\"\nservices:\n- name: s\n",
		"bad path":       "_format_version: \"3.0\"\nservices:\n- name: s\n  url: http://a\n  routes:\n  - paths: [api]\n",
		"no paths":       "_format_version: \"3.0\"\nservices:\n- name: s\n  url: http://a\n  routes:\n  - name: r\n",
		"unknown svc":    "_format_version: \"3.0\"\nroutes:\n- name: r\n  service: nope\n  paths: [/]\n",
		"duplicate name": "_format_version: \"3.0\"\nservices:\n- name: s\n  url: http://a\n- name: s\n  url: http://b\n",
	} {
		if _, err := Parse([]byte(yml)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestRunNeedsDBLess(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "kong.yml")
	os.WriteFile(file, []byte("_format_version: \"3.0\"\n"), 0o644)
	env := map[string]string{"KONG_DECLARATIVE_CONFIG": file, "KONG_PROXY_LISTEN": "127.0.0.1:0", "KONG_ADMIN_LISTEN": "off"}
	if err := Run(context.Background(), func(k string) string { return env[k] }, io.Discard); err == nil || !strings.Contains(err.Error(), "KONG_DATABASE=off") {
		t.Fatalf("without KONG_DATABASE=off: %v", err)
	}
	env["KONG_DATABASE"] = "off"
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := Run(ctx, func(k string) string { return env[k] }, io.Discard); err != nil {
		t.Fatalf("DB-less run: %v", err)
	}
}
