package kong

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
)

// Admin is the Admin API's handler. DB-less Kong's Admin API is read-only:
// GETs only, except POST /config which replaces the whole configuration.
func (g *Gateway) Admin() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := strings.TrimSuffix(r.URL.Path, "/")
		if path == "/config" && r.Method == http.MethodPost {
			g.reload(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			kongError(w, http.StatusMethodNotAllowed, "cannot create or update entities when not using a database (database=off)")
			return
		}
		cfg := g.Config()
		switch path {
		case "":
			hostname, _ := os.Hostname()
			adminJSON(w, http.StatusOK, map[string]any{
				"tagline": "Welcome to kong", "version": Version, "hostname": hostname,
				"configuration": map[string]any{"database": "off", "declarative_config": os.Getenv("KONG_DECLARATIVE_CONFIG")},
			})
		case "/status":
			adminJSON(w, http.StatusOK, map[string]any{
				"database": map[string]any{"reachable": true},
				"server":   map[string]any{"connections_active": 1},
			})
		case "/services":
			adminJSON(w, http.StatusOK, page(cfg.Services))
		case "/routes":
			adminJSON(w, http.StatusOK, page(cfg.AllRoutes()))
		case "/plugins":
			adminJSON(w, http.StatusOK, page(cfg.Plugins))
		case "/config":
			adminJSON(w, http.StatusOK, map[string]any{"config": cfg})
		default:
			kongError(w, http.StatusNotFound, "Not found")
		}
	})
}

// reload parses a whole declarative config from the body (YAML or JSON,
// optionally wrapped as {"config": "..."}) and swaps it in.
func (g *Gateway) reload(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		kongError(w, http.StatusBadRequest, err.Error())
		return
	}
	var wrapped struct {
		Config string `json:"config"`
	}
	if json.Unmarshal(body, &wrapped) == nil && wrapped.Config != "" {
		body = []byte(wrapped.Config)
	}
	cfg, err := Parse(body)
	if err != nil {
		adminJSON(w, http.StatusBadRequest, map[string]any{"code": 14, "name": "invalid declarative configuration", "message": "declarative config is invalid: " + err.Error()})
		return
	}
	g.cfg.Store(cfg)
	adminJSON(w, http.StatusCreated, map[string]any{"config": cfg})
}

func page[T any](items []T) map[string]any {
	if items == nil {
		items = []T{}
	}
	return map[string]any{"data": items, "next": nil}
}

func adminJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
