// Package kumadp is a stand-in for Kuma 2.5's sidecar (kuma-dp) for the
// end-to-end tests: it takes the real flags and environment, reads the
// dataplane file (with {{ var }} templating), registers with the control
// plane's dataplane server and stays connected so the CP shows it online,
// proxies each inbound to the app and each outbound to the target
// service's inbound (found through the CP), and serves /metrics on 5670.
package kumadp

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// Config is kuma-dp's configuration: flags win over the environment.
type Config struct {
	CPAddress     string            // --cp-address, KUMA_CONTROL_PLANE_URL
	DataplaneFile string            // --dataplane-file, KUMA_DATAPLANE_RUNTIME_RESOURCE_PATH
	Dataplane     string            // --dataplane (inline), KUMA_DATAPLANE_RUNTIME_RESOURCE
	Vars          map[string]string // --dataplane-var k=v
	TokenFile     string            // --dataplane-token-file, KUMA_DATAPLANE_RUNTIME_TOKEN_PATH
	Token         string            // --dataplane-token, KUMA_DATAPLANE_RUNTIME_TOKEN
	CACertFile    string            // --ca-cert-file, KUMA_CONTROL_PLANE_CA_CERT_FILE
	Name, Mesh    string            // --name, --mesh, KUMA_DATAPLANE_NAME, KUMA_DATAPLANE_MESH
	MetricsPort   int               // where /metrics is served; the Mesh's prometheus backend port
}

// vars collects repeated --dataplane-var k=v.
type vars map[string]string

func (v vars) String() string { return fmt.Sprint(map[string]string(v)) }
func (v vars) Set(s string) error {
	k, val, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("--dataplane-var %q: want key=value", s)
	}
	v[strings.TrimSpace(k)] = val
	return nil
}

// ParseArgs reads `run [flags]` and the environment as the real kuma-dp does.
func ParseArgs(args []string, getenv func(string) string, stderr io.Writer) (Config, error) {
	if len(args) == 0 || args[0] != "run" {
		return Config{}, fmt.Errorf(`unknown command: use "kuma-dp run"`)
	}
	c := Config{Vars: map[string]string{}, MetricsPort: 5670}
	fs := flag.NewFlagSet("kuma-dp run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	env := func(k, def string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&c.CPAddress, "cp-address", env("KUMA_CONTROL_PLANE_URL", "https://localhost:5678"), "control plane's dataplane server")
	fs.StringVar(&c.DataplaneFile, "dataplane-file", getenv("KUMA_DATAPLANE_RUNTIME_RESOURCE_PATH"), "dataplane resource file")
	fs.StringVar(&c.DataplaneFile, "d", getenv("KUMA_DATAPLANE_RUNTIME_RESOURCE_PATH"), "dataplane resource file")
	fs.StringVar(&c.Dataplane, "dataplane", getenv("KUMA_DATAPLANE_RUNTIME_RESOURCE"), "dataplane resource")
	fs.Var(vars(c.Vars), "dataplane-var", "template variable key=value (repeatable)")
	fs.StringVar(&c.TokenFile, "dataplane-token-file", getenv("KUMA_DATAPLANE_RUNTIME_TOKEN_PATH"), "dataplane token file")
	fs.StringVar(&c.Token, "dataplane-token", getenv("KUMA_DATAPLANE_RUNTIME_TOKEN"), "dataplane token")
	fs.StringVar(&c.CACertFile, "ca-cert-file", getenv("KUMA_CONTROL_PLANE_CA_CERT_FILE"), "CA of the control plane's certificate")
	fs.StringVar(&c.Name, "name", getenv("KUMA_DATAPLANE_NAME"), "dataplane name")
	fs.StringVar(&c.Mesh, "mesh", getenv("KUMA_DATAPLANE_MESH"), "mesh")
	// Accepted and ignored: they tune the real Envoy.
	for _, f := range []string{"log-level", "proxy-type", "binary-path", "config-dir", "dns-coredns-path",
		"dns-server-config-dir", "concurrency", "admin-port", "envoy-log-level", "dns-coredns-port", "dns-envoy-port"} {
		fs.String(f, "", "ignored by the stand-in")
	}
	fs.Bool("dns-enabled", false, "ignored by the stand-in")
	if err := fs.Parse(args[1:]); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if c.DataplaneFile == "" && c.Dataplane == "" {
		return c, fmt.Errorf("the dataplane resource is required: give --dataplane-file (KUMA_DATAPLANE_RUNTIME_RESOURCE_PATH) or --dataplane")
	}
	if c.Token == "" && c.TokenFile != "" {
		b, err := os.ReadFile(c.TokenFile)
		if err != nil {
			return c, fmt.Errorf("could not read the dataplane token file: %w", err)
		}
		c.Token = strings.TrimSpace(string(b))
	}
	return c, nil
}
