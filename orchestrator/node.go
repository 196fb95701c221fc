package orchestrator

import "sync"

// node is one service's progress during up: dependents block on its
// started and ready signals and then read its outcome.
type node struct {
	name    string
	mu      sync.Mutex
	started chan struct{} // closed once the container runs (or on failure)
	ready   chan struct{} // closed once healthy, or running without a health check (or on failure)
	err     error         // set before a failure closes the channels
	id      string        // the container after converge
	action  string        // what converge did: create, recreate, start, restart, keep
	health  bool          // the container has a health check
}

func newNode(name string) *node {
	return &node{name: name, started: make(chan struct{}), ready: make(chan struct{})}
}

func (n *node) markStarted(id, action string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.id, n.action = id, action
	closeOnce(n.started)
}

func (n *node) markReady(health bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.health = health
	closeOnce(n.ready)
}

func (n *node) fail(err error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.err == nil {
		n.err = err
	}
	closeOnce(n.started)
	closeOnce(n.ready)
}

// outcome reads the node after one of its channels closed.
func (n *node) outcome() (id, action string, health bool, err error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.id, n.action, n.health, n.err
}

func closeOnce(c chan struct{}) {
	select {
	case <-c:
	default:
		close(c)
	}
}
