// Package progress renders the orchestrator's event stream: a live view
// (one line per container, network, volume or image, redrawn in place) on
// a terminal, one plain line per step otherwise, JSON lines with --output
// json.
package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/hms-platform/hmsdev/internal/ui"
	"github.com/hms-platform/hmsdev/orchestrator"
)

// Renderer receives events (Send is safe for concurrent use) and draws
// them; Close stops the live view and leaves its final frame on screen.
type Renderer struct {
	mu     sync.Mutex
	p      *ui.Printer
	live   bool
	lines  []*line
	byKey  map[string]*line
	drawn  int // lines of the last frame, to move back over
	stop   chan struct{}
	closed bool
}

type line struct {
	ev    orchestrator.Event
	since time.Time
}

// New returns a Renderer for p's format and terminal.
func New(p *ui.Printer) *Renderer {
	r := &Renderer{p: p, live: p.Styled(), byKey: map[string]*line{}, stop: make(chan struct{})}
	if r.live {
		go r.tick()
	}
	return r
}

// Send is the orchestrator's event sink.
func (r *Renderer) Send(ev orchestrator.Event) {
	if r.p.JSON() {
		r.p.Event(ev)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	if !r.live {
		r.plain(ev)
		return
	}
	key := ev.Kind + "/" + ev.Service
	l, ok := r.byKey[key]
	if !ok {
		l = &line{since: ev.Time}
		r.byKey[key] = l
		r.lines = append(r.lines, l)
	}
	if ev.State == orchestrator.Working && l.ev.Action != ev.Action {
		l.since = ev.Time
	}
	l.ev = ev
	r.draw()
}

// Close stops redrawing.
func (r *Renderer) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	r.closed = true
	close(r.stop)
	if r.live {
		r.draw()
	}
}

// plain prints each finished step, and each step's start, on its own line;
// build and pull chatter is left to the live view and JSON.
func (r *Renderer) plain(ev orchestrator.Event) {
	if ev.State == orchestrator.Working && ev.Detail != "" && (ev.Action == "build" || ev.Action == "pull") && !strings.HasPrefix(ev.Detail, "for ") {
		return
	}
	out := fmt.Sprintf("%-9s %-28s %-8s %-7s", ev.Kind, ev.Service, ev.Action, ev.State)
	if ev.State != orchestrator.Working {
		out += fmt.Sprintf(" %6s", ev.Elapsed.Round(10*time.Millisecond))
	}
	if ev.Detail != "" {
		out += "  " + ev.Detail
	}
	fmt.Fprintln(r.p.Out(), strings.TrimRight(out, " "))
}

func (r *Renderer) tick() {
	t := time.NewTicker(150 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
			r.mu.Lock()
			if !r.closed {
				r.draw()
			}
			r.mu.Unlock()
		}
	}
}

var (
	working = lipgloss.NewStyle().Foreground(lipgloss.Color("4"))
	done    = lipgloss.NewStyle().Foreground(lipgloss.Color("2"))
	failed  = lipgloss.NewStyle().Foreground(lipgloss.Color("1")).Bold(true)
	dim     = lipgloss.NewStyle().Foreground(lipgloss.Color("8"))
	spinner = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}
)

// draw moves the cursor back over the last frame and redraws every line.
func (r *Renderer) draw() {
	w := r.p.Out()
	if r.drawn > 0 {
		fmt.Fprintf(w, "\x1b[%dA", r.drawn)
	}
	width := 0
	for _, l := range r.lines {
		width = max(width, len(l.ev.Service))
	}
	now := time.Now()
	for _, l := range r.lines {
		writeLine(w, l, width, now)
	}
	r.drawn = len(r.lines)
}

func writeLine(w io.Writer, l *line, width int, now time.Time) {
	ev := l.ev
	var mark, state string
	elapsed := ev.Elapsed
	switch ev.State {
	case orchestrator.Working:
		mark = working.Render(spinner[int(now.UnixMilli()/100)%len(spinner)])
		state = working.Render(ev.Action + "…")
		elapsed = now.Sub(l.since)
	case orchestrator.Failed:
		mark, state = failed.Render("✗"), failed.Render(ev.Action+" failed")
	default:
		mark, state = done.Render("✓"), done.Render(pastTense(ev.Action))
	}
	detail := ev.Detail
	if len(detail) > 60 {
		detail = detail[:57] + "..."
	}
	fmt.Fprintf(w, "\x1b[2K %s %-9s %-*s  %-24s %s  %s\n", mark, dim.Render(ev.Kind), width, ev.Service, state,
		dim.Render(fmt.Sprintf("%5.1fs", elapsed.Seconds())), dim.Render(detail))
}

func pastTense(action string) string {
	switch action {
	case "keep":
		return "unchanged"
	case "wait":
		return "ready"
	case "stop":
		return "stopped"
	case "build":
		return "built"
	case "pull":
		return "pulled"
	}
	if strings.HasSuffix(action, "e") {
		return action + "d"
	}
	return action + "ed"
}
