package kuma

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/hms-platform/hmsdev/e2e/standin/kumacp"
	"github.com/hms-platform/hmsdev/internal/fix"
)

const meshYAML = `# the HMS mesh
type: Mesh
name: default
mtls:
  enabledBackend: ca-1
  backends:
    - name: ca-1
      type: builtin
      mode: PERMISSIVE # migration
      dpCert:
        rotation:
          expiration: 24h
      conf:
        caCert:
          RSAbits: 2048
          expiration: 10y
metrics:
  enabledBackend: prometheus-1
  backends:
    - name: prometheus-1
      type: prometheus
      conf: {port: 5670, path: /metrics, skipMTLS: true}
tracing:
  defaultBackend: zipkin-1
  backends:
    - name: zipkin-1
      type: zipkin
      sampling: 100.0
      conf: {url: "http://zipkin:9411/api/v2/spans", apiVersion: httpJson}
`

const policiesYAML = `type: MeshRetry
mesh: default
name: retry-workflow
spec:
  targetRef: {kind: Mesh}
  to:
    - targetRef: {kind: MeshService, name: hms-onboarding-workflow}
      default:
        http:
          numRetries: 3
          perTryTimeout: 2s
          backOff: {baseInterval: 100ms, maxInterval: 1s}
          retryOn: ["503"]
---
type: MeshTimeout
mesh: default
name: timeout-all
spec:
  targetRef: {kind: Mesh}
  to:
    - targetRef: {kind: Mesh}
      default:
        connectionTimeout: 5s
        idleTimeout: 1h
        http: {requestTimeout: 15s, streamIdleTimeout: 30m}
`

func applyAll(t *testing.T, c *Client, docs []Document) []Action {
	t.Helper()
	var out []Action
	for _, d := range docs {
		r, err := c.Apply(context.Background(), d)
		if err != nil {
			t.Fatalf("apply %s: %v", d.Where(), err)
		}
		out = append(out, r.Action)
	}
	return out
}

func TestApplyCreatedUpdatedUnchanged(t *testing.T) {
	c, _, _ := standIn(t, kumacp.Options{AuthnNone: true})
	docs := append(mustParse(t, "mesh-default.yaml", meshYAML), mustParse(t, "policies.yaml", policiesYAML)...)
	got := applyAll(t, c, docs)
	want := []Action{Updated, Created, Created} // the default mesh exists from start-up
	if strings.Join(asStrings(got), ",") != strings.Join(asStrings(want), ",") {
		t.Fatalf("first apply: got %v, want %v", got, want)
	}
	// Kuma re-spells durations (1h -> 1h0m0s): still unchanged.
	if got := applyAll(t, c, docs); strings.Join(asStrings(got), ",") != "unchanged,unchanged,unchanged" {
		t.Fatalf("second apply: got %v, want all unchanged", got)
	}
	// A strict mesh comes back without its mode (STRICT is the zero enum).
	strict := mustParse(t, "mesh-default.yaml", strings.Replace(meshYAML, "PERMISSIVE", "STRICT", 1))
	if got := applyAll(t, c, strict); got[0] != Updated {
		t.Fatalf("strict: got %v", got)
	}
	if got := applyAll(t, c, strict); got[0] != Unchanged {
		t.Fatalf("strict again: got %v", got)
	}
	m, err := c.Mesh(context.Background(), "default")
	if err != nil || MTLSMode(m) != "STRICT" {
		t.Fatalf("mesh mode: %v %v", MTLSMode(m), err)
	}
	pols, err := c.Policies(context.Background(), "default")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range pols {
		names = append(names, p.Type+"/"+p.Name)
	}
	for _, w := range []string{"MeshRetry/retry-workflow", "MeshTimeout/timeout-all", "TrafficRoute/route-all-default"} {
		if !strings.Contains(strings.Join(names, " "), w) {
			t.Errorf("policies %v lack %s", names, w)
		}
	}
}

func asStrings(a []Action) []string {
	out := make([]string, len(a))
	for i, x := range a {
		out[i] = string(x)
	}
	return out
}

func TestApplyUnknownTypeSaysWhatToUse(t *testing.T) {
	c, _, _ := standIn(t, kumacp.Options{})
	_, err := c.Apply(context.Background(), mustParse(t, "custom-retry-policy.yaml", readSeed(t))[0])
	fe, ok := fix.As(err)
	if !ok {
		t.Fatalf("want a fix.Error, got %v", err)
	}
	if !strings.Contains(fe.What, `no such type "TrafficRetry"`) || !strings.Contains(fe.What, "custom-retry-policy.yaml:1") {
		t.Errorf("what: %s", fe.What)
	}
	if !strings.Contains(fe.Fix, "use type: MeshRetry") || !strings.Contains(fe.Fix, "MeshTrafficPermission") {
		t.Errorf("fix: %s", fe.Fix)
	}
}

func TestApplyRejectedNamesFieldDocumentAndLine(t *testing.T) {
	c, _, _ := standIn(t, kumacp.Options{})
	bad := policiesYAML[strings.Index(policiesYAML, "---"):] + "---\n" +
		strings.Replace(policiesYAML[:strings.Index(policiesYAML, "---")], "numRetries: 3", `numRetries: "three"`, 1)
	docs := mustParse(t, "retry.yaml", bad)
	if _, err := c.Apply(context.Background(), docs[0]); err != nil {
		t.Fatal(err)
	}
	_, err := c.Apply(context.Background(), docs[1])
	if err == nil {
		t.Fatal("numRetries: three was accepted")
	}
	msg := err.Error()
	for _, want := range []string{"retry.yaml (document 2)", "spec.to[0].default.http.numRetries", "retry.yaml:23", "integer"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 400 {
		t.Errorf("cause is not the control plane's 400: %v", err)
	}
}

func TestApplyMisspeltKeyNamesKeyAndClosest(t *testing.T) {
	c, _, _ := standIn(t, kumacp.Options{})
	doc := mustParse(t, "retry.yaml", strings.Replace(policiesYAML, "perTryTimeout", "perTryTimout", 1))[0]
	_, err := c.Apply(context.Background(), doc)
	fe, ok := fix.As(err)
	if !ok {
		t.Fatalf("want fix.Error, got %v", err)
	}
	if !strings.Contains(fe.What, "retry.yaml:11: spec.to[0].default.http.perTryTimout") ||
		!strings.Contains(fe.What, `did you mean "perTryTimeout"`) {
		t.Errorf("what: %s", fe.What)
	}
	// Nothing was sent.
	if _, err := c.Get(context.Background(), "MeshRetry", "default", "retry-workflow"); !errors.Is(err, ErrNotFound) {
		t.Errorf("document with an unknown key reached the control plane: %v", err)
	}
}

func TestLegacyTypeWithSpecIsCaught(t *testing.T) {
	d := mustParse(t, "r.yaml", "type: Retry\nmesh: default\nname: r\nspec:\n  sources: []\n")[0]
	err := Check(d)
	if err == nil || !strings.Contains(err.Error(), "legacy") || !strings.Contains(err.Error(), "MeshRetry") {
		t.Fatalf("got %v", err)
	}
}

func TestRequestForIsJSONPut(t *testing.T) {
	req, err := RequestFor(mustParse(t, "p.yaml", policiesYAML)[0])
	if err != nil {
		t.Fatal(err)
	}
	if req.Method != "PUT" || req.Path != "/meshes/default/meshretries/retry-workflow" || !strings.Contains(string(req.Body), `"numRetries":3`) {
		t.Fatalf("got %s %s %s", req.Method, req.Path, req.Body)
	}
	req, _ = RequestFor(mustParse(t, "m.yaml", meshYAML)[0])
	if req.Path != "/meshes/default" {
		t.Fatalf("mesh path %s", req.Path)
	}
}

// Kuma 2.5's error body carries the deprecated details as a string beside
// detail; an older control plane names fields only in causes. Both read.
func TestAPIErrorBodies(t *testing.T) {
	for name, body := range map[string]string{
		"std-errors": `{"type":"/std-errors","status":400,"title":"Bad Request","detail":"Resource is not valid",
			"invalid_parameters":[{"field":"spec.to[0].default.http.numRetries","reason":"must be an integer"}],
			"details":"Resource is not valid","causes":[{"field":"spec.to[0].default.http.numRetries","message":"must be an integer"}]}`,
		"causes only": `{"title":"Could not process a resource","details":"Resource is not valid",
			"causes":[{"field":"spec.to[0].default.http.numRetries","message":"must be an integer"}]}`,
	} {
		ae := &APIError{Status: 400}
		if err := json.Unmarshal([]byte(body), ae); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if f := ae.Fields(); len(f) != 1 || f[0].Field != "spec.to[0].default.http.numRetries" || f[0].Reason != "must be an integer" {
			t.Errorf("%s: fields %+v", name, f)
		}
	}
}

// A control plane that answers the read before the PUT with an error is
// reported as that answer, not as unreachable.
func TestApplyReadErrorIsNotUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		w.Write([]byte(`{"type":"/std-errors","status":500,"title":"Internal Server Error","detail":"store unavailable"}`))
	}))
	defer srv.Close()
	docs := mustParse(t, "retry.yaml", "type: MeshRetry\nmesh: default\nname: r\nspec:\n  targetRef: {kind: Mesh}\n  to: [{targetRef: {kind: Mesh}, default: {http: {numRetries: 1}}}]\n")
	_, err := New(srv.URL).Apply(context.Background(), docs[0])
	if err == nil || strings.Contains(err.Error(), "cannot reach") || !strings.Contains(err.Error(), "answered GET /meshes/default/meshretries/r with 500") {
		t.Fatalf("got %v", err)
	}
	if !strings.Contains(err.Error(), "store unavailable") {
		t.Errorf("the control plane's own words are lost: %v", err)
	}
}

// readSeed is the seed notes' TrafficRetry example (the e2e tests apply the
// same file).
func readSeed(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/seed-custom-retry-policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
