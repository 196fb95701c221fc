package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// maxBody bounds what the service reads of a request or downstream answer.
const maxBody = 1 << 20

// Server is the demo service's HTTP handler.
type Server struct {
	cfg    Config
	client *http.Client
	log    io.Writer
	logMu  sync.Mutex
	now    func() time.Time
}

// NewServer returns the handler for cfg; it logs one line per request to log.
// client may be nil for a default with a 10s timeout.
func NewServer(cfg Config, client *http.Client, log io.Writer) *Server {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	if log == nil {
		log = io.Discard
	}
	return &Server{cfg: cfg, client: client, log: log, now: time.Now}
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/actuator/health" {
		s.health(w)
		return
	}
	start := s.now()
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	echo := Echo{
		Service:    s.cfg.Service,
		Method:     r.Method,
		Path:       r.URL.RequestURI(),
		Headers:    headerMap(r.Header, r.Host),
		Body:       string(body),
		RemoteAddr: r.RemoteAddr,
		Calls:      []CallResult{},
	}
	status := http.StatusOK
	for _, c := range s.cfg.Calls {
		res := s.call(r.Context(), c, r, body)
		echo.Calls = append(echo.Calls, res)
		if !res.OK() && echo.Error == "" {
			status = http.StatusBadGateway
			echo.Error = fmt.Sprintf("call to %s (%s) failed: %s", c.Service, c.URL, describe(res))
		}
	}
	// Logged before answering, so the line is there once the caller has its answer.
	s.logf("%s %s %d %s from=%s x-hms-trace-id=%q calls=%d",
		r.Method, r.URL.RequestURI(), status, s.now().Sub(start).Round(time.Millisecond), r.RemoteAddr,
		r.Header.Get("x-hms-trace-id"), len(echo.Calls))
	writeJSON(w, status, echo)
}

// health answers like Spring Boot Actuator. Not logged: the healthcheck
// polls it every few seconds and would drown the request lines.
func (s *Server) health(w http.ResponseWriter) {
	if s.cfg.HealthDown {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "DOWN"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "UP"})
}

// call forwards r (same method, path and body, propagated headers) to c.
func (s *Server) call(ctx context.Context, c Call, r *http.Request, body []byte) CallResult {
	res := CallResult{Service: c.Service, URL: c.URL}
	req, err := http.NewRequestWithContext(ctx, r.Method, c.URL+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		res.Error = err.Error()
		return res
	}
	req.Header = forwardHeaders(r.Header)
	resp, err := s.client.Do(req)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	defer resp.Body.Close()
	res.Status = resp.StatusCode
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		res.Error = "reading the answer: " + err.Error()
		res.Status = 0
		return res
	}
	if json.Valid(raw) {
		res.Response = json.RawMessage(raw)
	} else if len(raw) > 0 {
		res.Response, _ = json.Marshal(string(raw))
	}
	return res
}

// describe says why a call failed, for the 502 body and the log.
func describe(r CallResult) string {
	if r.Status == 0 {
		return r.Error
	}
	return fmt.Sprintf("HTTP %d", r.Status)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// logf writes one log line in Spring Boot's shape: time, level, service.
func (s *Server) logf(format string, args ...any) {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.log, "%s  INFO %s : %s\n", s.now().UTC().Format("2006-01-02T15:04:05.000Z"), s.cfg.Service, fmt.Sprintf(format, args...))
}

// Serve runs the service on cfg.Port until ctx is cancelled, then shuts down
// gracefully (as PID 1 in a FROM-scratch image it must end on SIGTERM itself).
func Serve(ctx context.Context, cfg Config, log io.Writer) error {
	s := NewServer(cfg, nil, log)
	ln, err := net.Listen("tcp", fmt.Sprintf(":%d", cfg.Port))
	if err != nil {
		return fmt.Errorf("listen on port %d (SERVER_PORT): %w", cfg.Port, err)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	calls := make([]string, 0, len(cfg.Calls))
	for _, c := range cfg.Calls {
		calls = append(calls, c.Service+"="+c.URL)
	}
	s.logf("Started %s on port %d (calls: %s)", cfg.Service, cfg.Port, orNone(strings.Join(calls, ", ")))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = srv.Shutdown(sctx)
	if e := <-errc; !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	s.logf("Stopped %s", cfg.Service)
	return err
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
