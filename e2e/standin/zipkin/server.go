package zipkin

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Handler serves Zipkin's v2 API over st, logging each accepted batch to log.
func Handler(st *Store, log io.Writer) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v2/spans", func(w http.ResponseWriter, r *http.Request) {
		spans, err := decodeSpans(r)
		if err != nil {
			http.Error(w, "Expected a JSON v2 span list: "+err.Error(), http.StatusBadRequest)
			return
		}
		st.add(spans)
		fmt.Fprintf(log, "%s zipkin: accepted %d spans from %s\n", time.Now().UTC().Format(time.RFC3339), len(spans), r.RemoteAddr)
		w.WriteHeader(http.StatusAccepted) // what Zipkin answers
	})
	mux.HandleFunc("GET /api/v2/services", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, st.Services())
	})
	mux.HandleFunc("GET /api/v2/traces", func(w http.ResponseWriter, r *http.Request) {
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		if limit == 0 {
			limit = 10 // Zipkin's default
		}
		traces := st.Traces(r.URL.Query().Get("serviceName"), limit)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, "[")
		for i, t := range traces {
			if i > 0 {
				io.WriteString(w, ",")
			}
			w.Write(rawArray(t))
		}
		io.WriteString(w, "]")
	})
	mux.HandleFunc("GET /api/v2/trace/{id}", func(w http.ResponseWriter, r *http.Request) {
		spans := st.Trace(r.PathValue("id"))
		if len(spans) == 0 {
			http.Error(w, "Trace not found", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(rawArray(spans))
	})
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"status": "UP", "zipkin": map[string]any{"status": "UP"}})
	})
	return mux
}

// decodeSpans reads a JSON array of v2 spans, gzip-encoded or not.
func decodeSpans(r *http.Request) ([]stored, error) {
	var body io.Reader = io.LimitReader(r.Body, 32<<20)
	if strings.EqualFold(r.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(body)
		if err != nil {
			return nil, err
		}
		body = zr
	}
	var raws []json.RawMessage
	if err := json.NewDecoder(body).Decode(&raws); err != nil {
		return nil, err
	}
	spans := make([]stored, 0, len(raws))
	for i, raw := range raws {
		var sp Span
		if err := json.Unmarshal(raw, &sp); err != nil {
			return nil, fmt.Errorf("span %d: %w", i, err)
		}
		if sp.TraceID == "" || sp.ID == "" {
			return nil, fmt.Errorf("span %d: traceId and id are required", i)
		}
		if sp.LocalEndpoint != nil { // Zipkin's model lower-cases service names
			sp.LocalEndpoint.ServiceName = strings.ToLower(sp.LocalEndpoint.ServiceName)
		}
		spans = append(spans, stored{Span: sp, raw: raw})
	}
	return spans, nil
}

func rawArray(items [][]byte) []byte {
	return append(append([]byte("["), bytes.Join(items, []byte(","))...), ']')
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// Run serves on :QUERY_PORT (default 9411, as Zipkin does) until ctx ends.
func Run(ctx context.Context, getenv func(string) string, log io.Writer) error {
	port := getenv("QUERY_PORT")
	if port == "" {
		port = "9411"
	}
	max, _ := strconv.Atoi(getenv("MEM_MAX_SPANS"))
	ln, err := net.Listen("tcp", ":"+port)
	if err != nil {
		return fmt.Errorf("listen on :%s (QUERY_PORT): %w", port, err)
	}
	srv := &http.Server{Handler: Handler(NewStore(max), log), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(log, "zipkin stand-in: listening on :%s\n", port)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	err = srv.Shutdown(sctx)
	if e := <-errc; !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}
