package orchestrator

import (
	"context"
	"errors"
	"time"
)

// Event is one step of progress on one service's container (or on a
// network, volume or image). Renderers turn the stream into a live view,
// plain lines or JSON lines.
type Event struct {
	Time    time.Time     `json:"time"`
	Kind    string        `json:"kind"`              // container, network, volume, image
	Service string        `json:"service,omitempty"` // service, or the network/volume/image name
	Action  string        `json:"action"`            // what hmsdev is doing: create, recreate, start, restart, wait, stop, remove, build, pull, keep
	State   string        `json:"state"`             // working, done, failed
	Detail  string        `json:"detail,omitempty"`  // e.g. "healthy", a build step, an error
	Elapsed time.Duration `json:"elapsed_ns"`        // since the action began
}

// Event states.
const (
	Working = "working"
	Done    = "done"
	Failed  = "failed"
)

// step reports one action: a working event now, and a done/failed event
// from the returned func.
func (e *Engine) step(kind, service, action, detail string) func(err error, doneDetail string) {
	start := time.Now()
	e.emit(Event{Kind: kind, Service: service, Action: action, State: Working, Detail: detail})
	return func(err error, doneDetail string) {
		ev := Event{Kind: kind, Service: service, Action: action, State: Done, Detail: doneDetail, Elapsed: time.Since(start)}
		switch {
		case errors.Is(err, context.Canceled):
			ev.State, ev.Detail = Failed, "interrupted"
		case err != nil:
			ev.State, ev.Detail = Failed, firstLine(err.Error())
		}
		e.emit(ev)
	}
}

func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return s
}
