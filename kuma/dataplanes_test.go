package kuma

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hms-platform/hmsdev/e2e/standin/kumacp"
)

// connect plays a sidecar: it opens the stand-in's /xds stream for a
// dataplane and returns a func that disconnects it.
func connect(t *testing.T, dpServer *httptest.Server, name string, dp map[string]any) func() {
	t.Helper()
	raw, _ := json.Marshal(dp)
	body, _ := json.Marshal(kumacp.BootstrapRequest{Mesh: "default", Name: name, DataplaneResource: string(raw)})
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "POST", dpServer.URL+"/xds", bytes.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("xds: %d", resp.StatusCode)
	}
	bufio.NewReader(resp.Body).ReadString('\n') // registered once the first update arrives
	t.Cleanup(cancel)
	return func() { cancel(); resp.Body.Close() }
}

func inboundDP(svc string, port int) map[string]any {
	return map[string]any{"networking": map[string]any{"address": svc, "inbound": []any{
		map[string]any{"port": port + 10000, "servicePort": port, "tags": map[string]any{"kuma.io/service": svc}},
	}}}
}

func TestDataplanesOnlineAndWait(t *testing.T) {
	c, _, dps := standIn(t, kumacp.Options{AuthnNone: true})
	ctx := context.Background()
	stopBFF := connect(t, dps, "hms-auth-bff", inboundDP("hms-auth-bff", 8080))
	kong := map[string]any{"networking": map[string]any{"address": "kong",
		"gateway":  map[string]any{"type": "DELEGATED", "tags": map[string]any{"kuma.io/service": "kong"}},
		"outbound": []any{map[string]any{"port": 10001, "tags": map[string]any{"kuma.io/service": "hms-auth-bff"}}}}}
	connect(t, dps, "kong", kong)

	if err := c.WaitOnline(ctx, "default", []string{"hms-auth-bff", "kong"}, nil); err != nil {
		t.Fatal(err)
	}
	list, err := c.Dataplanes(ctx, "default")
	if err != nil || len(list) != 2 || list[1].Gateway != "DELEGATED" || list[1].Services[0] != "kong" {
		t.Fatalf("dataplanes: %+v %v", list, err)
	}

	stopBFF()
	short, cancel := context.WithTimeout(ctx, 700*time.Millisecond)
	defer cancel()
	var waited [][]string
	err = c.WaitOnline(short, "default", []string{"hms-auth-bff", "kong", "hms-onboarding-workflow"},
		func(w []string) { waited = append(waited, w) })
	var oe *OfflineError
	if !errors.As(err, &oe) {
		t.Fatalf("want OfflineError, got %v", err)
	}
	if strings.Join(oe.Offline, ",") != "hms-auth-bff" || strings.Join(oe.Missing, ",") != "hms-onboarding-workflow" {
		t.Fatalf("offline %v missing %v", oe.Offline, oe.Missing)
	}
	if len(waited) == 0 {
		t.Error("progress was never called")
	}

	st, err := MeshStatus(ctx, c.URL(), "default")
	if err != nil {
		t.Fatal(err)
	}
	if st.Version != kumacp.Version || st.MTLS != "off" || strings.Join(st.Offline(), ",") != "hms-auth-bff" {
		t.Fatalf("status %+v", st)
	}
	var b strings.Builder
	st.WriteText(&b)
	if !strings.Contains(b.String(), "kong (gateway delegated)") || !strings.Contains(b.String(), "TrafficRoute/route-all-default") {
		t.Errorf("status text:\n%s", b.String())
	}
}

func TestRejectedDataplaneIsNotRegistered(t *testing.T) {
	c, _, dps := standIn(t, kumacp.Options{AuthnNone: true})
	raw, _ := json.Marshal(map[string]any{"networking": map[string]any{"address": "0.0.0.0", "inbound": []any{
		map[string]any{"port": 8080, "servicePort": 8080, "serviceAddress": "127.0.0.1", "tags": map[string]any{"kuma.io/service": "x"}}}}})
	body, _ := json.Marshal(kumacp.BootstrapRequest{Mesh: "default", Name: "x", DataplaneResource: string(raw)})
	resp, err := http.Post(dps.URL+"/bootstrap", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var msg bytes.Buffer
	msg.ReadFrom(resp.Body)
	if resp.StatusCode != 422 || !strings.Contains(msg.String(), "networking.address: must not be 0.0.0.0") {
		t.Fatalf("%d %s", resp.StatusCode, msg.String())
	}
	if list, _ := c.Dataplanes(context.Background(), "default"); len(list) != 0 {
		t.Fatalf("registered: %+v", list)
	}
}

func TestWaitReady(t *testing.T) {
	c, _, _ := standIn(t, kumacp.Options{})
	info, err := c.WaitReady(context.Background())
	if err != nil || info.Product != "Kuma" || info.Version != "2.5.0" {
		t.Fatalf("%+v %v", info, err)
	}

	// A server that answers / but never has the default mesh.
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"product":"Kuma","version":"2.5.0"}`))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 600*time.Millisecond)
	defer cancel()
	_, err = New(srv.URL).WaitReady(ctx)
	var nr *NotReadyError
	if !errors.As(err, &nr) || !nr.Reached || !strings.Contains(err.Error(), "default mesh") {
		t.Fatalf("got %v", err)
	}

	// Nothing listening at all.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel2()
	_, err = New("http://127.0.0.1:1").WaitReady(ctx2)
	if !errors.As(err, &nr) || nr.Reached {
		t.Fatalf("got %v", err)
	}
}
