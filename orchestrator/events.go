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
	Kind    string        `json:"kind"`              // container, network, volume, image; kuma, dataplane (up's mesh steps)
	Service string        `json:"service,omitempty"` // service, or the network/volume/image name
	Action  string        `json:"action"`            // what hmsdev is doing: create, recreate, start, restart, wait, stop, remove, build, pull, keep; update, apply, connect
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

// Sink receives progress events; a nil Sink drops them. The engine and
// up's Kuma steps report through one Sink, so one renderer draws them all
// and nothing else writes to the terminal while it does.
type Sink func(Event)

// Emit sends ev, stamped with the time if it has none.
func (s Sink) Emit(ev Event) {
	if s == nil {
		return
	}
	if ev.Time.IsZero() {
		ev.Time = time.Now()
	}
	s(ev)
}

// Step reports one action: a working event now, and a done/failed event
// from the returned func.
func (s Sink) Step(kind, service, action, detail string) func(err error, doneDetail string) {
	start := time.Now()
	s.Emit(Event{Kind: kind, Service: service, Action: action, State: Working, Detail: detail})
	return func(err error, doneDetail string) {
		s.Emit(Finished(kind, service, action, doneDetail, start, err))
	}
}

// Finished is the done (or failed, err != nil) event of an action begun at
// start; an interrupt reads as such rather than as an error.
func Finished(kind, service, action, detail string, start time.Time, err error) Event {
	ev := Event{Kind: kind, Service: service, Action: action, State: Done, Detail: detail, Elapsed: time.Since(start)}
	switch {
	case errors.Is(err, context.Canceled):
		ev.State, ev.Detail = Failed, "interrupted"
	case err != nil:
		ev.State, ev.Detail = Failed, firstLine(err.Error())
	}
	return ev
}

func (e *Engine) step(kind, service, action, detail string) func(err error, doneDetail string) {
	return e.events.Step(kind, service, action, detail)
}

func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return s
}
