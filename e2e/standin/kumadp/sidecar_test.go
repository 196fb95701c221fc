package kumadp

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hms-platform/hmsdev/e2e/standin/kumacp"
	"github.com/hms-platform/hmsdev/kuma"
)

// syncBuf is a log sink the test reads while sidecars write.
type syncBuf struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// controlPlane runs the kuma-cp stand-in: API over HTTP, dataplane server
// over TLS with a certificate naming sans.
func controlPlane(t *testing.T, authnNone bool, host string) (api string, dpPort string) {
	t.Helper()
	cert, sans, err := kumacp.SelfSigned(host)
	if err != nil {
		t.Fatal(err)
	}
	if host != "localhost" {
		sans = []string{host} // the dialled localhost is then not in the certificate
	}
	s := kumacp.New(kumacp.Options{AuthnNone: authnNone, SANs: sans, Log: log.New(io.Discard, "", 0)})
	a := httptest.NewServer(s.API())
	dp := httptest.NewUnstartedServer(s.DataplaneServer())
	dp.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	dp.StartTLS()
	t.Cleanup(a.Close)
	t.Cleanup(dp.Close)
	_, port, _ := net.SplitHostPort(dp.Listener.Addr().String())
	return a.URL, port
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// echoApp answers each line with "echo: line".
func echoApp(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				line, _ := bufio.NewReader(c).ReadString('\n')
				fmt.Fprintf(c, "echo: %s", line)
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

func writeFile(t *testing.T, body string) string {
	p := filepath.Join(t.TempDir(), "dataplane.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// start runs a sidecar in the background; its error arrives on the channel.
func start(t *testing.T, ctx context.Context, args []string, env map[string]string, logs io.Writer) <-chan error {
	cfg, err := ParseArgs(args, func(k string) string { return env[k] }, logs)
	if err != nil {
		t.Fatal(err)
	}
	cfg.MetricsPort = 0
	done := make(chan error, 1)
	go func() { done <- runConfig(ctx, cfg, logs) }()
	return done
}

func say(addr, msg string) (string, error) {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(3 * time.Second))
	fmt.Fprintln(c, msg)
	b, err := io.ReadAll(c)
	return strings.TrimSpace(string(b)), err
}

func TestSidecarsRegisterProxyAndFollowMTLS(t *testing.T) {
	api, port := controlPlane(t, true, "localhost")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &syncBuf{}
	app, inbound, outbound := echoApp(t), freePort(t), freePort(t)
	workflow := writeFile(t, `type: Dataplane
mesh: default
name: {{ name }}
networking:
  address: 127.0.0.1
  inbound:
    - port: `+fmt.Sprint(inbound)+`
      servicePort: `+fmt.Sprint(app)+`
      serviceAddress: 127.0.0.1
      tags: {kuma.io/service: workflow, kuma.io/protocol: http}
`)
	gateway := writeFile(t, `type: Dataplane
mesh: default
name: kong
networking:
  address: 127.0.0.1
  gateway: {type: DELEGATED, tags: {kuma.io/service: kong}}
  outbound:
    - port: `+fmt.Sprint(outbound)+`
      tags: {kuma.io/service: workflow}
`)
	cpURL := "https://localhost:" + port
	start(t, ctx, []string{"run", "--cp-address", cpURL, "--dataplane-file", workflow, "--dataplane-var", "name=workflow"}, nil, logs)
	start(t, ctx, []string{"run"}, map[string]string{"KUMA_CONTROL_PLANE_URL": cpURL, "KUMA_DATAPLANE_RUNTIME_RESOURCE_PATH": gateway}, logs)

	c := kuma.New(api)
	wctx, wcancel := context.WithTimeout(ctx, 5*time.Second)
	defer wcancel()
	if err := c.WaitOnline(wctx, "default", []string{"workflow", "kong"}, nil); err != nil {
		t.Fatalf("%v\n%s", err, logs)
	}
	outAddr := fmt.Sprintf("127.0.0.1:%d", outbound)
	if got, err := say(outAddr, "hi"); got != "echo: hi" {
		t.Fatalf("through the outbound: %q %v\n%s", got, err, logs)
	}

	// STRICT: mesh traffic still flows, a plaintext call to the inbound does not.
	strict := `type: Mesh
name: default
mtls: {enabledBackend: ca-1, backends: [{name: ca-1, type: builtin, mode: STRICT}]}
`
	docs, _ := kuma.ParseDocuments("mesh.yaml", []byte(strict))
	if _, err := c.Apply(ctx, docs[0]); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), "-> STRICT") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	for strings.Count(logs.String(), "-> STRICT") < 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if got, _ := say(outAddr, "again"); got != "echo: again" {
		t.Fatalf("through the outbound under STRICT: %q\n%s", got, logs)
	}
	if got, _ := say(fmt.Sprintf("127.0.0.1:%d", inbound), "bypass"); got != "" {
		t.Fatalf("plaintext to the inbound under STRICT got %q", got)
	}

	// Stopping a sidecar marks it offline.
	cancel()
	deadline = time.Now().Add(5 * time.Second)
	for {
		dps, err := c.Dataplanes(context.Background(), "default")
		if err == nil && len(dps) == 2 && !dps[0].Online && !dps[1].Online {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after stop, still: %+v %v", dps, err)
		}
		time.Sleep(50 * time.Millisecond) // polling interval of a condition
	}
}

func TestSidecarRefusals(t *testing.T) {
	dpFile := writeFile(t, "type: Dataplane\nmesh: default\nname: a\nnetworking:\n  address: a\n  inbound:\n    - port: 18080\n      servicePort: 8080\n      tags: {kuma.io/service: a}\n")
	cases := []struct {
		name      string
		authnNone bool
		host      string
		file      string
		want      string
	}{
		{"token required", false, "localhost", dpFile, "token required: Dataplane Token is required"},
		{"certificate names another host", true, "kuma-cp", dpFile, "certificate name mismatch"},
		{"address 0.0.0.0", true, "localhost", writeFile(t, strings.Replace(mustRead(t, dpFile), "address: a", "address: 0.0.0.0", 1)),
			"dataplane rejected: Dataplane entity is invalid: networking.address: must not be 0.0.0.0"},
	}
	for _, c := range cases {
		_, port := controlPlane(t, c.authnNone, c.host)
		logs := &syncBuf{}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := <-start(t, ctx, []string{"run", "--cp-address", "https://localhost:" + port, "--dataplane-file", c.file}, nil, logs)
		cancel()
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(logs.String(), c.want) {
			t.Errorf("%s: got %v\nlogs: %s", c.name, err, logs)
		}
	}
	// Nothing listening: the sidecar keeps retrying and says why.
	logs := &syncBuf{}
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	<-start(t, ctx, []string{"run", "--cp-address", fmt.Sprintf("https://127.0.0.1:%d", freePort(t)), "--dataplane-file", dpFile}, nil, logs)
	if !strings.Contains(logs.String(), "control plane unreachable") {
		t.Errorf("unreachable: %s", logs)
	}
	if _, err := ParseArgs([]string{"run", "--cp-address", "http://kuma-cp:5681", "--dataplane-file", dpFile}, func(string) string { return "" }, io.Discard); err != nil {
		t.Fatal(err)
	}
	// The seed's http://kuma-cp:5681 reaches the API, which has no /bootstrap.
	api, _ := controlPlane(t, true, "localhost")
	logs = &syncBuf{}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel2()
	<-start(t, ctx2, []string{"run", "--cp-address", api, "--dataplane-file", dpFile}, nil, logs)
	if !strings.Contains(logs.String(), "control plane unreachable") || !strings.Contains(logs.String(), "no /bootstrap endpoint") {
		t.Errorf("cp-address at the API: %s", logs)
	}
}

func mustRead(t *testing.T, p string) string {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
