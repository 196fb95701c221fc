package kumacp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// Run is the kuma-cp part of the stand-in binary. It takes the real
// image's arguments (run [--log-level L] [-c FILE]) and environment:
// KUMA_DP_SERVER_AUTHN_DP_PROXY_TYPE, KUMA_GENERAL_TLS_CERT_FILE/_KEY_FILE,
// KUMA_STORE_TYPE (memory; postgres is never reachable here, so the CP
// never gets ready, like a real one pointed at a missing database), and the
// port settings KUMA_API_SERVER_HTTP_PORT, KUMA_DIAGNOSTICS_SERVER_PORT,
// KUMA_DP_SERVER_PORT.
func Run(args []string) error {
	if len(args) == 0 || args[0] != "run" {
		return errors.New(`unknown command: use "kuma-cp run"`)
	}
	for i := 1; i < len(args); i++ {
		switch args[i] {
		case "--log-level", "-c", "--config-file":
			i++
		default:
			return fmt.Errorf("unknown flag: %s", args[i])
		}
	}
	logger := log.New(os.Stderr, "", log.LstdFlags|log.LUTC)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if st := os.Getenv("KUMA_STORE_TYPE"); st == "postgres" {
		return neverReady(ctx, logger)
	}
	opts := Options{AuthnNone: os.Getenv("KUMA_DP_SERVER_AUTHN_DP_PROXY_TYPE") == "none", Log: logger}
	opts.Hostname, _ = os.Hostname()
	cert, sans, err := loadCert(opts.Hostname)
	if err != nil {
		return err
	}
	opts.SANs = sans
	s := New(opts)
	s.logf("INFO", "starting Kuma %s (stand-in), store memory, dataplane token auth %v, certificate SANs %v",
		Version, !opts.AuthnNone, sans)
	errc := make(chan error, 3)
	serve := func(port string, h http.Handler, tlsCfg *tls.Config) {
		srv := &http.Server{Addr: ":" + port, Handler: h, TLSConfig: tlsCfg, ReadHeaderTimeout: 10 * time.Second}
		go func() { <-ctx.Done(); srv.Close() }()
		var err error
		if tlsCfg != nil {
			err = srv.ListenAndServeTLS("", "")
		} else {
			err = srv.ListenAndServe()
		}
		if !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("listen on :%s: %w", port, err)
		}
	}
	go serve(env("KUMA_DIAGNOSTICS_SERVER_PORT", "5680"), s.Diagnostics(), nil)
	go serve(env("KUMA_DP_SERVER_PORT", "5678"), s.DataplaneServer(), &tls.Config{Certificates: []tls.Certificate{cert}})
	go serve(env("KUMA_API_SERVER_HTTP_PORT", "5681"), s.API(), nil)
	s.logf("INFO", "API server listening on :%s, dataplane server on :%s", env("KUMA_API_SERVER_HTTP_PORT", "5681"), env("KUMA_DP_SERVER_PORT", "5678"))
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		s.logf("INFO", "stopping")
		return nil
	}
}

func env(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// loadCert uses the configured certificate, or makes a self-signed one.
func loadCert(hostname string) (tls.Certificate, []string, error) {
	certFile, keyFile := os.Getenv("KUMA_GENERAL_TLS_CERT_FILE"), os.Getenv("KUMA_GENERAL_TLS_KEY_FILE")
	if certFile == "" && keyFile == "" {
		return SelfSigned(hostname)
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return cert, nil, fmt.Errorf("KUMA_GENERAL_TLS_CERT_FILE/KEY_FILE: %w", err)
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		return cert, nil, err
	}
	return cert, SANs(leaf), nil
}

// neverReady plays a CP whose store is unreachable: the diagnostics server
// runs (so 5680 /ready proves nothing), the API never opens.
func neverReady(ctx context.Context, logger *log.Logger) error {
	host := env("KUMA_STORE_POSTGRES_HOST", "127.0.0.1")
	port := env("KUMA_STORE_POSTGRES_PORT", "5432")
	go http.ListenAndServe(":"+env("KUMA_DIAGNOSTICS_SERVER_PORT", "5680"), New(Options{Log: logger}).Diagnostics())
	for {
		conn, err := net.DialTimeout("tcp", net.JoinHostPort(host, port), time.Second)
		if err == nil {
			conn.Close()
			err = errors.New("the stand-in cannot use a Postgres store")
		}
		logger.Printf("\tERROR\tkuma-cp\tcould not connect to the Postgres store at %s:%s: %v; retrying", host, port, err)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(2 * time.Second):
		}
	}
}
