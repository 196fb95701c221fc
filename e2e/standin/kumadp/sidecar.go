package kumadp

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hms-platform/hmsdev/e2e/standin/kumacp"
)

// sidecar is one running kuma-dp.
type sidecar struct {
	cfg     Config
	dp      Dataplane
	cp      *cpClient
	log     *log.Logger
	mtls    atomic.Value // string: the mesh's mTLS mode, from the CP
	next    atomic.Int64 // round-robin over endpoints
	metrics *metrics
}

// Run is the kuma-dp part of the stand-in binary.
func Run(args []string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return RunContext(ctx, args, os.Getenv, os.Stderr)
}

// RunContext runs a sidecar until ctx ends or the CP rejects it.
func RunContext(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	cfg, err := ParseArgs(args, getenv, stderr)
	if err != nil {
		return err
	}
	return runConfig(ctx, cfg, stderr)
}

func runConfig(ctx context.Context, cfg Config, stderr io.Writer) error {
	var err error
	s := &sidecar{cfg: cfg, log: log.New(stderr, "", log.LstdFlags|log.LUTC), metrics: &metrics{c: map[string]*counter{}}}
	s.mtls.Store("")
	s.dp, err = s.load()
	if err != nil {
		return err
	}
	if err := s.bootstrap(ctx); err != nil {
		return err
	}
	if err := s.listen(ctx); err != nil {
		s.logf("ERROR", "%v", err)
		return err
	}
	s.subscribe(ctx)
	return nil
}

func (s *sidecar) logf(level, format string, args ...any) {
	s.log.Printf("\t"+level+"\tkuma-dp\t"+format, args...)
}

func (s *sidecar) mode() string { return s.mtls.Load().(string) }

// service is the sidecar's own kuma.io/service, named to the other side.
func (s *sidecar) service() string {
	for _, in := range s.dp.Networking.Inbound {
		if v := in.Tags["kuma.io/service"]; v != "" {
			return v
		}
	}
	if g := s.dp.Networking.Gateway; g != nil {
		return g.Tags["kuma.io/service"]
	}
	return s.dp.Name
}

func (s *sidecar) load() (Dataplane, error) {
	dp, raw, err := loadDataplane(s.cfg, func(w string) { s.logf("WARN", "%s", w) })
	if err != nil {
		return dp, err
	}
	s.cp, err = newCPClient(s.cfg, dp, raw)
	return dp, err
}

// bootstrap asks the CP for configuration, retrying while it cannot be
// reached; a refusal (4xx) ends the sidecar, as with the real kuma-dp.
func (s *sidecar) bootstrap(ctx context.Context) error {
	s.logf("INFO", "fetching bootstrap configuration for dataplane %s/%s from %s", s.dp.Mesh, s.dp.Name, s.cfg.CPAddress)
	for {
		u, err := s.cp.bootstrap(ctx)
		if err == nil {
			s.mtls.Store(u.MTLS)
			s.logf("INFO", "bootstrap configuration received (mesh mTLS %s)", orOff(u.MTLS))
			return nil
		}
		msg := describe(err, s.cfg.CPAddress)
		s.logf("ERROR", "%s", msg)
		var rej *rejectedError
		if (errors.As(err, &rej) && rej.status != http.StatusNotFound) || isNameMismatch(err) {
			return errors.New(msg)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Second):
		}
	}
}

// describe names the failure with the phrases hmsdev doctor looks for.
func describe(err error, cp string) string {
	var rej *rejectedError
	switch {
	case isNameMismatch(err):
		return "certificate name mismatch: " + err.Error()
	case errors.As(err, &rej) && strings.Contains(rej.msg, "SANs"):
		return "certificate name mismatch: " + rej.msg
	case errors.As(err, &rej) && strings.Contains(rej.msg, "Token is required"):
		return "token required: " + rej.msg
	case errors.As(err, &rej) && rej.status == 401:
		return "invalid token: " + rej.msg
	case errors.As(err, &rej) && strings.Contains(rej.msg, "Dataplane entity is invalid"):
		return "dataplane rejected: " + rej.msg
	case errors.As(err, &rej) && rej.status == http.StatusNotFound:
		return fmt.Sprintf("control plane unreachable: could not fetch bootstrap configuration: there is no /bootstrap endpoint at %s "+
			"(the dataplane server is https://<cp host>:5678; 5681 is the API); retrying", cp)
	case errors.As(err, &rej):
		return fmt.Sprintf("dataplane rejected: the control plane answered %d: %s", rej.status, rej.msg)
	}
	return fmt.Sprintf("control plane unreachable: could not fetch bootstrap configuration from %s: %v; retrying", cp, err)
}

func isNameMismatch(err error) bool {
	var he x509.HostnameError
	var hp *x509.HostnameError
	return errors.As(err, &he) || errors.As(err, &hp)
}

// listen opens the inbounds, outbounds and the metrics endpoint.
func (s *sidecar) listen(ctx context.Context) error {
	for _, in := range s.dp.Networking.Inbound {
		ln, err := listen(":"+strconv.Itoa(in.Port), fmt.Sprintf("inbound %d", in.Port))
		if err != nil {
			return err
		}
		go serve(ctx, ln, func(c net.Conn) { s.inbound(c, in) })
		s.logf("INFO", "inbound :%d -> %s:%d (%s)", in.Port, orDefault(in.ServiceAddress, "127.0.0.1"), in.ServicePort, in.Tags["kuma.io/service"])
	}
	for _, out := range s.dp.Networking.Outbound {
		addr := net.JoinHostPort(orDefault(out.Address, "127.0.0.1"), strconv.Itoa(out.Port))
		ln, err := listen(addr, "outbound to "+out.Tags["kuma.io/service"])
		if err != nil {
			return err
		}
		port, svc := out.Port, out.Tags["kuma.io/service"]
		go serve(ctx, ln, func(c net.Conn) { s.outbound(c, port, svc) })
		s.logf("INFO", "outbound %s -> %s", addr, svc)
	}
	ln, err := listen(":"+strconv.Itoa(s.cfg.MetricsPort), "metrics")
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", s.metrics)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { <-ctx.Done(); srv.Close() }()
	go srv.Serve(ln)
	return nil
}

// subscribe keeps the CP told the dataplane is online, reconnecting (and
// so re-registering, e.g. after a memory-store CP restart) until ctx ends.
func (s *sidecar) subscribe(ctx context.Context) {
	for {
		err := s.cp.stream(ctx, func() {
			s.logf("INFO", "connected to the control plane: dataplane %s/%s is online", s.dp.Mesh, s.dp.Name)
		}, func(u kumacp.Update) {
			if old := s.mode(); old != u.MTLS {
				s.logf("INFO", "mesh mTLS changed: %s -> %s", orOff(old), orOff(u.MTLS))
				s.mtls.Store(u.MTLS)
			}
		})
		if ctx.Err() != nil {
			s.logf("INFO", "stopping")
			return
		}
		if errors.Is(err, io.EOF) {
			s.logf("WARN", "lost the connection to the control plane; reconnecting")
		} else {
			s.logf("ERROR", "%s", describe(err, s.cfg.CPAddress))
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

func orOff(mode string) string { return orDefault(mode, "off") }

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
