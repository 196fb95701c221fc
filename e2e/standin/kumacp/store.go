package kumacp

import (
	"sort"
	"sync"
	"time"
)

// resource is one stored resource: the body as accepted (unknown fields
// dropped), without the meta the server adds on reads.
type resource struct {
	Type, Mesh, Name string
	Body             map[string]any
	Created          time.Time
	Modified         time.Time
}

// subscription is one connection of a sidecar to the dataplane server.
type subscription struct {
	ID             string
	ConnectTime    time.Time
	DisconnectTime *time.Time
}

// store is the memory store: a restart forgets everything, like Kuma's.
type store struct {
	mu        sync.Mutex
	res       map[string]*resource       // key: type/mesh/name (mesh "" for Mesh)
	insights  map[string][]*subscription // key: mesh/name of a dataplane
	listeners []chan struct{}            // woken on every change, for streams
}

func newStore() *store {
	return &store{res: map[string]*resource{}, insights: map[string][]*subscription{}}
}

func key(typ, mesh, name string) string { return typ + "/" + mesh + "/" + name }

// put creates or replaces; it reports whether it created.
func (s *store) put(r *resource) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key(r.Type, r.Mesh, r.Name)
	now := time.Now().UTC()
	old, ok := s.res[k]
	r.Created, r.Modified = now, now
	if ok {
		r.Created = old.Created
	}
	s.res[k] = r
	s.notifyLocked()
	return !ok
}

func (s *store) get(typ, mesh, name string) (*resource, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.res[key(typ, mesh, name)]
	return r, ok
}

func (s *store) delete(typ, mesh, name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key(typ, mesh, name)
	_, ok := s.res[k]
	delete(s.res, k)
	if typ == "Dataplane" {
		delete(s.insights, mesh+"/"+name)
	}
	s.notifyLocked()
	return ok
}

// list returns the resources of typ in mesh ("" = every mesh), by name.
func (s *store) list(typ, mesh string) []*resource {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*resource
	for _, r := range s.res {
		if r.Type == typ && (mesh == "" || r.Mesh == mesh) {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Mesh+"/"+out[i].Name < out[j].Mesh+"/"+out[j].Name })
	return out
}

// connect records a new subscription of a dataplane and returns a func
// that marks it disconnected.
func (s *store) connect(mesh, name, id string) func() {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub := &subscription{ID: id, ConnectTime: time.Now().UTC()}
	k := mesh + "/" + name
	s.insights[k] = append(s.insights[k], sub)
	// Kuma keeps a few past subscriptions per dataplane.
	if n := len(s.insights[k]); n > 5 {
		s.insights[k] = s.insights[k][n-5:]
	}
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		now := time.Now().UTC()
		sub.DisconnectTime = &now
	}
}

func (s *store) subscriptions(mesh, name string) []subscription {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []subscription
	for _, sub := range s.insights[mesh+"/"+name] {
		out = append(out, *sub)
	}
	return out
}

// changed returns a channel closed at the next change.
func (s *store) changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := make(chan struct{})
	s.listeners = append(s.listeners, ch)
	return ch
}

func (s *store) notifyLocked() {
	for _, ch := range s.listeners {
		close(ch)
	}
	s.listeners = nil
}
