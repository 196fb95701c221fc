package zipkin

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestCollectAndQuery(t *testing.T) {
	srv := httptest.NewServer(Handler(NewStore(0), io.Discard))
	defer srv.Close()
	post := func(body string) int {
		resp, err := http.Post(srv.URL+"/api/v2/spans", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if c := post(`[{"traceId":"a","id":"1","name":"x","localEndpoint":{"serviceName":"kong"},"extra":1},
		{"traceId":"a","id":"2","localEndpoint":{"serviceName":"HMS-Auth-BFF"}}]`); c != 202 {
		t.Fatalf("post: %d", c)
	}
	if c := post(`[{"traceId":"b","id":"3","localEndpoint":{"serviceName":"hms-auth-bff"}}]`); c != 202 {
		t.Fatalf("post: %d", c)
	}
	if c := post(`{"not":"an array"}`); c != 400 {
		t.Errorf("bad body: %d", c)
	}
	var services []string
	getJSON(t, srv.URL+"/api/v2/services", &services)
	if strings.Join(services, ",") != "hms-auth-bff,kong" {
		t.Errorf("services: %v", services)
	}
	var traces [][]map[string]any
	getJSON(t, srv.URL+"/api/v2/traces?serviceName=kong", &traces)
	if len(traces) != 1 || len(traces[0]) != 2 || traces[0][0]["extra"] != 1.0 {
		t.Errorf("traces of kong: %v", traces)
	}
	getJSON(t, srv.URL+"/api/v2/traces", &traces)
	if len(traces) != 2 {
		t.Errorf("all traces: %v", traces)
	}
	var health map[string]any
	getJSON(t, srv.URL+"/health", &health)
	if health["status"] != "UP" {
		t.Errorf("health: %v", health)
	}
}

func TestStoreKeepsNewest(t *testing.T) {
	st := NewStore(2)
	st.add([]stored{{Span: Span{TraceID: "a", ID: "1"}}, {Span: Span{TraceID: "b", ID: "2"}}, {Span: Span{TraceID: "c", ID: "3"}}})
	if len(st.Trace("a")) != 0 || len(st.Trace("c")) != 1 {
		t.Errorf("kept: %+v", st.spans)
	}
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}
