package orchestrator

import "sync"

// syncMap guards writes to plain maps filled from parallel goroutines.
type syncMap struct{ mu sync.Mutex }

func (s *syncMap) set(m map[string]string, k, v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m[k] = v
}
