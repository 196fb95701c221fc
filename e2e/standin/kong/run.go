package kong

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// Run starts Kong the way the real image starts DB-less: KONG_DATABASE=off,
// KONG_DECLARATIVE_CONFIG, KONG_PROXY_LISTEN (0.0.0.0:8000) and
// KONG_ADMIN_LISTEN (0.0.0.0:8001). It serves until ctx is cancelled.
func Run(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	if db := getenv("KONG_DATABASE"); db != "off" {
		return fmt.Errorf("KONG_DATABASE=%q: the stand-in runs DB-less only, as the stack does; set KONG_DATABASE=off", db)
	}
	path := getenv("KONG_DECLARATIVE_CONFIG")
	if path == "" {
		return errors.New("KONG_DECLARATIVE_CONFIG is not set: DB-less Kong needs the declarative kong.yml")
	}
	cfg, err := Load(path)
	if err != nil {
		return fmt.Errorf("declarative config is invalid: %w", err)
	}
	g := NewGateway(cfg, stdout)
	servers := []struct {
		env, def string
		h        http.Handler
	}{
		{"KONG_PROXY_LISTEN", "0.0.0.0:8000", g.Proxy()},
		{"KONG_ADMIN_LISTEN", "0.0.0.0:8001", g.Admin()},
	}
	errc := make(chan error, len(servers))
	var running []*http.Server
	for _, s := range servers {
		addr := listenAddr(getenv(s.env), s.def)
		if addr == "off" {
			continue
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			shutdown(running)
			return fmt.Errorf("%s: listen on %s: %w", s.env, addr, err)
		}
		srv := &http.Server{Handler: s.h, ReadHeaderTimeout: 10 * time.Second}
		running = append(running, srv)
		go func() { errc <- srv.Serve(ln) }()
		fmt.Fprintf(stdout, "kong stand-in %s: %s on %s\n", Version, s.env, addr)
	}
	fmt.Fprintf(stdout, "kong stand-in: loaded %s: %d services, %d routes\n", path, len(cfg.Services), len(cfg.AllRoutes()))
	select {
	case err = <-errc:
	case <-ctx.Done():
	}
	shutdown(running)
	return err
}

// listenAddr takes the first address of a Kong listen value such as
// "0.0.0.0:8000 reuseport backlog=16384, 0.0.0.0:8443 ssl"; "off" turns
// the listener off.
func listenAddr(v, def string) string {
	if v == "" {
		return def
	}
	for i, c := range v {
		if c == ' ' || c == ',' {
			return v[:i]
		}
	}
	return v
}

func shutdown(servers []*http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	for _, s := range servers {
		_ = s.Shutdown(ctx)
	}
}
