package kong

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Version is what the stand-in reports as Kong's version (Via, Admin API).
const Version = "3.4.0-standin"

// Gateway holds the live config; the proxy and the Admin API share it so
// POST /config swaps it for both at once.
type Gateway struct {
	cfg   atomic.Pointer[Config]
	log   io.Writer
	logMu sync.Mutex
	// Transport reaches upstreams; tests may replace it.
	Transport http.RoundTripper
}

// NewGateway returns a gateway serving cfg, writing access logs to log.
func NewGateway(cfg *Config, log io.Writer) *Gateway {
	if log == nil {
		log = io.Discard
	}
	g := &Gateway{log: log, Transport: &http.Transport{
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
		ResponseHeaderTimeout: 60 * time.Second,
	}}
	g.cfg.Store(cfg)
	return g
}

// Config is the config in force.
func (g *Gateway) Config() *Config { return g.cfg.Load() }

type upstreamKey struct{}

// Proxy is the proxy listener's handler.
func (g *Gateway) Proxy() http.Handler {
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			m := pr.In.Context().Value(upstreamKey{}).(match)
			pr.Out.URL = m.upstream
			pr.Out.Host = m.upstream.Host // preserve_host is false by default
			pr.SetXForwarded()
			pr.Out.Header.Set("X-Forwarded-Path", pr.In.URL.Path)
			pr.Out.Header.Set("X-Forwarded-Prefix", m.prefix)
			pr.Out.Header.Set("X-Real-IP", clientIP(pr.In))
		},
		Transport: g.Transport,
		ModifyResponse: func(r *http.Response) error {
			r.Header.Set("Via", "1.1 kong/"+Version)
			return nil
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			// Kong's own words for the two ways an upstream fails.
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				kongError(w, http.StatusGatewayTimeout, "The upstream server is timing out")
				return
			}
			kongError(w, http.StatusBadGateway, "An invalid response was received from the upstream server")
		},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w, status: 200}
		m, ok := router{g.Config()}.match(r.Method, r.URL.Path, r.URL.RawQuery)
		if !ok {
			kongError(rec, http.StatusNotFound, "no Route matched with those values")
		} else {
			rp.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), upstreamKey{}, m)))
		}
		g.access(r, rec, time.Since(start))
	})
}

// access writes an nginx "combined" line, the format of Kong's access log.
func (g *Gateway) access(r *http.Request, rec *recorder, d time.Duration) {
	g.logMu.Lock()
	defer g.logMu.Unlock()
	fmt.Fprintf(g.log, "%s - - [%s] %q %d %d %q %q %s\n", clientIP(r), time.Now().UTC().Format("02/Jan/2006:15:04:05 -0700"),
		r.Method+" "+r.URL.RequestURI()+" "+r.Proto, rec.status, rec.bytes, orDash(r.Referer()), orDash(r.UserAgent()),
		strconv.FormatFloat(d.Seconds(), 'f', 3, 64))
}

func kongError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Server", "kong/"+Version)
	w.WriteHeader(status)
	fmt.Fprintf(w, "{\n  \"message\":%q\n}", msg)
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// recorder remembers the status and size for the access log.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *recorder) WriteHeader(code int) { r.status = code; r.ResponseWriter.WriteHeader(code) }
func (r *recorder) Write(b []byte) (int, error) {
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}
func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
