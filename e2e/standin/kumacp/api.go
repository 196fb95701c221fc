package kumacp

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/hms-platform/hmsdev/kuma/schema"
)

// Version is the Kuma version the stand-in plays.
const Version = "2.5.0"

// API is the 5681 server.
func (s *Server) API() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", s.only("GET", s.index))
	mux.HandleFunc("/gui/", s.only("GET", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintln(w, "<html><body>Kuma GUI (stand-in)</body></html>")
	}))
	mux.HandleFunc("/meshes", s.only("GET", s.listMeshes))
	mux.HandleFunc("/meshes/{mesh}", s.meshRoute)
	mux.HandleFunc("/meshes/{mesh}/{segment}", s.only("GET", s.listResources))
	mux.HandleFunc("/meshes/{mesh}/{segment}/{name}", s.resourceRoute)
	mux.HandleFunc("/meshes/{mesh}/dataplanes/{name}/policies", s.only("GET", s.dataplanePolicies))
	mux.HandleFunc("/tokens/dataplane", s.only("POST", s.issueToken))
	mux.HandleFunc("/tokens", s.only("POST", s.issueToken))
	return mux
}

// only answers 405 to every method but the given ones.
func (s *Server) only(methods string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for _, m := range strings.Split(methods, ",") {
			if r.Method == m {
				h(w, r)
				return
			}
		}
		w.Header().Set("Allow", methods)
		writeError(w, http.StatusMethodNotAllowed, "Method Not Allowed", "method "+r.Method+" is not allowed on "+r.URL.Path)
	}
}

func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{
		"hostname": s.opts.Hostname, "product": "Kuma", "version": Version, "basedOnKuma": Version,
		"instanceId": s.instanceID, "clusterId": s.clusterID, "gui": "/gui",
	})
}

func (s *Server) listMeshes(w http.ResponseWriter, r *http.Request) {
	writeList(w, s.store.list("Mesh", ""))
}

func writeList(w http.ResponseWriter, rs []*resource) {
	items := make([]any, 0, len(rs))
	for _, r := range rs {
		items = append(items, render(r))
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": len(items), "items": items, "next": nil})
}

func (s *Server) meshRoute(w http.ResponseWriter, r *http.Request) {
	s.only("GET,PUT,DELETE", func(w http.ResponseWriter, r *http.Request) {
		s.resource(w, r, schema.MeshType, "", r.PathValue("mesh"))
	})(w, r)
}

func (s *Server) resourceRoute(w http.ResponseWriter, r *http.Request) {
	s.only("GET,PUT,DELETE", func(w http.ResponseWriter, r *http.Request) {
		mesh, seg, name := r.PathValue("mesh"), r.PathValue("segment"), r.PathValue("name")
		if seg == "dataplanes+insights" && r.Method == http.MethodGet {
			s.overviewOne(w, mesh, name)
			return
		}
		t, ok := schema.BySegment(seg)
		if !ok {
			writeError(w, http.StatusNotFound, "Not Found", "no resource type is served at /meshes/{mesh}/"+seg)
			return
		}
		if _, ok := s.store.get("Mesh", "", mesh); !ok && r.Method != http.MethodPut {
			writeError(w, http.StatusNotFound, "Not Found", "mesh of name "+mesh+" is not found")
			return
		}
		s.resource(w, r, t.Name, mesh, name)
	})(w, r)
}

func (s *Server) listResources(w http.ResponseWriter, r *http.Request) {
	mesh, seg := r.PathValue("mesh"), r.PathValue("segment")
	if seg == "dataplanes+insights" {
		s.overviews(w, mesh)
		return
	}
	t, ok := schema.BySegment(seg)
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found", "no resource type is served at /meshes/{mesh}/"+seg)
		return
	}
	writeList(w, s.store.list(t.Name, mesh))
}

// resource serves GET, PUT and DELETE of one resource.
func (s *Server) resource(w http.ResponseWriter, r *http.Request, typ, mesh, name string) {
	switch r.Method {
	case http.MethodGet:
		res, ok := s.store.get(typ, mesh, name)
		if !ok {
			writeError(w, http.StatusNotFound, "Not Found", fmt.Sprintf("%s of name %s is not found", typ, name))
			return
		}
		writeJSON(w, http.StatusOK, render(res))
	case http.MethodDelete:
		if !s.store.delete(typ, mesh, name) {
			writeError(w, http.StatusNotFound, "Not Found", fmt.Sprintf("%s of name %s is not found", typ, name))
			return
		}
		w.WriteHeader(http.StatusOK)
	case http.MethodPut:
		s.put(w, r, typ, mesh, name)
	}
}

func (s *Server) put(w http.ResponseWriter, r *http.Request, typ, mesh, name string) {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, "Unsupported Media Type",
			fmt.Sprintf("Content-Type %q is not supported: send application/json", r.Header.Get("Content-Type")))
		return
	}
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "Bad Request", "Could not process the resource: the body is not JSON: "+err.Error())
		return
	}
	created, invalid := s.upsert(typ, mesh, name, body)
	if len(invalid) > 0 {
		badRequest(w, invalid)
		return
	}
	if created {
		w.WriteHeader(http.StatusCreated)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// upsert validates and stores a resource body addressed by (typ, mesh,
// name); the dataplane server registers dataplanes through it too.
func (s *Server) upsert(typ, mesh, name string, body map[string]any) (created bool, invalid []schema.Invalid) {
	t, _ := schema.Lookup(typ)
	v := &errs{}
	if bt := strAt(body, "type"); bt != typ {
		v.add("type", "type from the URL has to be the same as in body (URL: %s, body: %q)", typ, bt)
	}
	if bn := strAt(body, "name"); bn != name {
		v.add("name", "name from the URL has to be the same as in body (URL: %s, body: %q)", name, bn)
	}
	if typ != schema.MeshType {
		if bm := strAt(body, "mesh"); bm != mesh {
			v.add("mesh", "mesh from the URL has to be the same as in body (URL: %s, body: %q)", mesh, bm)
		} else if _, ok := s.store.get("Mesh", "", mesh); !ok {
			v.add("mesh", "mesh of name %s is not found", mesh)
		}
	}
	if len(v.list) > 0 {
		return false, v.list
	}
	if invalid := validate(t, body); len(invalid) > 0 {
		return false, invalid
	}
	if t.Fields != nil {
		body = schema.Prune(t.Fields, body).(map[string]any)
	}
	delete(body, "creationTime")
	delete(body, "modificationTime")
	if typ == schema.MeshType {
		if _, ok := s.store.get("Mesh", "", name); !ok {
			s.createMesh(body)
			return true, nil
		}
	}
	return s.store.put(&resource{Type: typ, Mesh: mesh, Name: name, Body: body}), nil
}
