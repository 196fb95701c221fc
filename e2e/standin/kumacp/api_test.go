package kumacp

import (
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func newTest(t *testing.T, opts Options) *Server {
	opts.Log = log.New(io.Discard, "", 0)
	return New(opts)
}

// call serves one request from remote (an ip:port) and returns status and body.
func call(h http.Handler, method, path, ctype, body, remote string) (int, string) {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if remote != "" {
		req.RemoteAddr = remote
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}

const retry = `{"type":"MeshRetry","mesh":"default","name":"r","spec":{"targetRef":{"kind":"Mesh"},
 "to":[{"targetRef":{"kind":"MeshService","name":"svc"},"default":{"http":{"numRetries":3,"perTryTimeout":"1h"}}}]}}`

func TestAPIRules(t *testing.T) {
	s := newTest(t, Options{})
	api := s.API()
	const json_ = "application/json"
	cases := []struct {
		name, method, path, ctype, body string
		status                          int
		want                            string
	}{
		{"index", "GET", "/", "", "", 200, `"product":"Kuma"`},
		{"no ready on 5681", "GET", "/ready", "", "", 404, ""},
		{"default mesh at start", "GET", "/meshes/default", "", "", 200, `"name":"default"`},
		{"default policies at start", "GET", "/meshes/default/traffic-routes/route-all-default", "", "", 200, "TrafficRoute"},
		{"POST is 405", "POST", "/meshes/default/retries", json_, retry, 405, ""},
		{"YAML type is 415", "PUT", "/meshes/default/meshretries/r", "application/yaml", retry, 415, ""},
		{"YAML body is 400", "PUT", "/meshes/default/meshretries/r", json_, "type: MeshRetry\nname: r\n", 400, "not JSON"},
		{"URL and body disagree", "PUT", "/meshes/default/meshretries/other", json_, retry, 400, `"field":"name"`},
		{"created", "PUT", "/meshes/default/meshretries/r", json_, retry, 201, ""},
		{"updated", "PUT", "/meshes/default/meshretries/r", json_, retry, 200, ""},
		{"duration re-spelt", "GET", "/meshes/default/meshretries/r", "", "", 200, `"perTryTimeout":"1h0m0s"`},
		{"numRetries must be an integer", "PUT", "/meshes/default/meshretries/r", json_,
			strings.Replace(retry, `"numRetries":3`, `"numRetries":"three"`, 1), 400, `"field":"spec.to[0].default.http.numRetries"`},
		{"MeshService needs a name", "PUT", "/meshes/default/meshretries/r", json_,
			strings.Replace(retry, `"name":"svc"`, `"x":1`, 1), 400, `spec.to[0].targetRef.name`},
		{"to only Mesh or MeshService", "PUT", "/meshes/default/meshretries/r", json_,
			strings.Replace(retry, `"kind":"MeshService","name":"svc"`, `"kind":"MeshGateway","name":"g"`, 1), 400, `spec.to[0].targetRef.kind`},
		{"from only Mesh in MeshTimeout", "PUT", "/meshes/default/meshtimeouts/t", json_,
			`{"type":"MeshTimeout","mesh":"default","name":"t","spec":{"targetRef":{"kind":"Mesh"},"from":[{"targetRef":{"kind":"MeshService","name":"a"},"default":{"idleTimeout":"1s"}}]}}`,
			400, `spec.from[0].targetRef.kind`},
		{"unknown fields dropped", "PUT", "/meshes/default/meshretries/u", json_,
			strings.Replace(strings.Replace(retry, `"name":"r"`, `"name":"u"`, 1), `"numRetries":3`, `"numRetrys":3`, 1), 201, ""},
		{"legacy spec wrapper ignored", "PUT", "/meshes/default/retries/l", json_,
			`{"type":"Retry","mesh":"default","name":"l","spec":{"sources":[{"match":{"kuma.io/service":"*"}}]}}`, 400, "must have at least one element"},
		{"dataplane 0.0.0.0", "PUT", "/meshes/default/dataplanes/d", json_,
			`{"type":"Dataplane","mesh":"default","name":"d","networking":{"address":"0.0.0.0","inbound":[{"port":8080,"servicePort":8080,"tags":{"kuma.io/service":"d"}}]}}`,
			400, `must not be 0.0.0.0`},
		{"dataplane same pairs", "PUT", "/meshes/default/dataplanes/d", json_,
			`{"type":"Dataplane","mesh":"default","name":"d","networking":{"address":"127.0.0.1","inbound":[{"port":8080,"tags":{"kuma.io/service":"d"}}]}}`,
			400, `networking.inbound[0]`},
		{"dataplane service tag", "PUT", "/meshes/default/dataplanes/d", json_,
			`{"type":"Dataplane","mesh":"default","name":"d","networking":{"address":"d","inbound":[{"port":18080,"servicePort":8080}]}}`,
			400, `kuma.io/service`},
		{"mesh zipkin url needs port", "PUT", "/meshes/default", json_,
			`{"type":"Mesh","name":"default","tracing":{"backends":[{"name":"z","type":"zipkin","conf":{"url":"http://zipkin/api/v2/spans"}}]}}`,
			400, `explicit port`},
		{"lowercase mode rejected", "PUT", "/meshes/default", json_,
			`{"type":"Mesh","name":"default","mtls":{"enabledBackend":"ca-1","backends":[{"name":"ca-1","type":"builtin","mode":"strict"}]}}`,
			400, `STRICT, PERMISSIVE`},
	}
	for _, c := range cases {
		status, body := call(api, c.method, c.path, c.ctype, c.body, "")
		if status != c.status || !strings.Contains(body, c.want) {
			t.Errorf("%s: got %d %s, want %d containing %q", c.name, status, body, c.status, c.want)
		}
	}
	_, body := call(api, "GET", "/meshes/default/meshretries/u", "", "", "")
	if strings.Contains(body, "numRetrys") {
		t.Errorf("unknown field kept: %s", body)
	}
	var list struct{ Total int }
	_, body = call(api, "GET", "/meshes/default/dataplanes+insights", "", "", "")
	if json.Unmarshal([]byte(body), &list) != nil || list.Total != 0 {
		t.Errorf("dataplanes+insights: %s", body)
	}
}

func TestTokensAdminOnlyAndRequired(t *testing.T) {
	s := newTest(t, Options{})
	api := s.API()
	req := `{"name":"svc","mesh":"default","tags":{"kuma.io/service":["svc"]},"validFor":"24h"}`
	if status, _ := call(api, "POST", "/tokens/dataplane", "application/json", req, "172.18.0.1:40000"); status != 403 {
		t.Fatalf("token through a published port: %d, want 403", status)
	}
	status, tok := call(api, "POST", "/tokens/dataplane", "application/json", req, "127.0.0.1:40000")
	if status != 200 || strings.Count(tok, ".") != 2 {
		t.Fatalf("token from localhost: %d %q", status, tok)
	}
	if err := s.checkToken("", "default", "svc"); err != errTokenRequired {
		t.Errorf("no token: %v", err)
	}
	if err := s.checkToken(tok, "default", "svc"); err != nil {
		t.Errorf("good token: %v", err)
	}
	if err := newTest(t, Options{}).checkToken(tok, "default", "svc"); err == nil {
		t.Error("a restarted CP (new signing key) accepted an old token")
	}
	if err := newTest(t, Options{AuthnNone: true}).checkToken("", "default", "svc"); err != nil {
		t.Errorf("authn none: %v", err)
	}
}

func TestBootstrapSANMismatch(t *testing.T) {
	s := newTest(t, Options{AuthnNone: true, SANs: []string{"abc123", "localhost", "127.0.0.1"}})
	req := httptest.NewRequest("POST", "https://kuma-cp:5678/bootstrap", strings.NewReader(`{}`))
	rec := httptest.NewRecorder()
	s.DataplaneServer().ServeHTTP(rec, req)
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), `using "kuma-cp" address, but the certificate`) {
		t.Fatalf("%d %s", rec.Code, rec.Body.String())
	}
}
