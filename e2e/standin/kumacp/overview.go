package kumacp

import (
	"net/http"

	"github.com/hms-platform/hmsdev/kuma/schema"
)

// overview is one item of dataplanes+insights. A dataplane that never
// connected has no dataplaneInsight at all, as in Kuma.
func (s *Server) overview(r *resource) map[string]any {
	body := render(r)
	dp := map[string]any{"networking": body["networking"]}
	o := map[string]any{"type": "DataplaneOverview", "mesh": r.Mesh, "name": r.Name,
		"creationTime": body["creationTime"], "modificationTime": body["modificationTime"], "dataplane": dp}
	subs := s.store.subscriptions(r.Mesh, r.Name)
	if len(subs) == 0 {
		return o
	}
	var list []any
	for _, sub := range subs {
		m := map[string]any{"id": sub.ID, "controlPlaneInstanceId": s.instanceID,
			"connectTime": sub.ConnectTime.Format(timeFormat), "status": map[string]any{"total": map[string]any{}}}
		if sub.DisconnectTime != nil {
			m["disconnectTime"] = sub.DisconnectTime.Format(timeFormat)
		}
		list = append(list, m)
	}
	o["dataplaneInsight"] = map[string]any{"subscriptions": list}
	return o
}

func (s *Server) overviews(w http.ResponseWriter, mesh string) {
	items := []any{}
	for _, r := range s.store.list("Dataplane", mesh) {
		items = append(items, s.overview(r))
	}
	writeJSON(w, http.StatusOK, map[string]any{"total": len(items), "items": items, "next": nil})
}

func (s *Server) overviewOne(w http.ResponseWriter, mesh, name string) {
	r, ok := s.store.get("Dataplane", mesh, name)
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found", "Dataplane of name "+name+" is not found")
		return
	}
	writeJSON(w, http.StatusOK, s.overview(r))
}

// dataplanePolicies lists the new-style policies that select the dataplane:
// a top-level targetRef of kind Mesh, or MeshService naming one of its
// services.
func (s *Server) dataplanePolicies(w http.ResponseWriter, r *http.Request) {
	mesh, name := r.PathValue("mesh"), r.PathValue("name")
	dp, ok := s.store.get("Dataplane", mesh, name)
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found", "Dataplane of name "+name+" is not found")
		return
	}
	services := map[string]bool{}
	n := mapAt(dp.Body, "networking")
	for _, in := range listAt(n, "inbound") {
		m, _ := in.(map[string]any)
		services[strAt(mapAt(m, "tags"), serviceTag)] = true
	}
	services[strAt(mapAt(mapAt(n, "gateway"), "tags"), serviceTag)] = true
	matched := map[string][]any{}
	for _, t := range schema.Policies() {
		if t.Legacy {
			continue
		}
		for _, p := range s.store.list(t.Name, mesh) {
			ref := mapAt(mapAt(p.Body, "spec"), "targetRef")
			if k := strAt(ref, "kind"); k == "Mesh" || (k == "MeshService" && services[strAt(ref, "name")]) {
				matched[t.Name] = append(matched[t.Name], render(p))
			}
		}
	}
	item := map[string]any{"type": "dataplane", "name": name, "matchedPolicies": matched}
	writeJSON(w, http.StatusOK, map[string]any{"total": 1, "items": []any{item}})
}
