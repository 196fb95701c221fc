// Package progress renders the event stream of the orchestrator and of
// up's Kuma steps: a live view (one line per container, network, volume,
// image, control plane, Kuma resource or dataplane, redrawn in place) on a
// terminal, one plain line per step otherwise, JSON lines with --output
// json.
package progress

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"

	"github.com/hms-platform/hmsdev/internal/ui"
	"github.com/hms-platform/hmsdev/orchestrator"
)

// Renderer receives events (Send is safe for concurrent use) and draws
// them; Close stops the live view and leaves its final frame on screen.
type Renderer struct {
	mu     sync.Mutex
	p      *ui.Printer
	live   bool
	size   func() (cols, rows int) // the terminal's; the live region fits in it
	lines  []*line                 // the live region, top to bottom
	byKey  map[string]*line
	seen   map[string]bool // every step reported so far
	drawn  int             // lines of the last frame, to move back over
	width  int             // of the service column
	stop   chan struct{}
	closed bool
}

type line struct {
	ev    orchestrator.Event
	since time.Time
}

// New returns a Renderer for p's format and terminal.
func New(p *ui.Printer) *Renderer {
	return newRenderer(p, p.Styled(), terminalSize(p.Out()))
}

func newRenderer(p *ui.Printer, live bool, size func() (int, int)) *Renderer {
	r := &Renderer{p: p, live: live, size: size, byKey: map[string]*line{}, seen: map[string]bool{}, stop: make(chan struct{})}
	if r.live {
		go r.tick()
	}
	return r
}

// terminalSize reads w's size at each frame (the window may be resized);
// 80x24 when it cannot be read.
func terminalSize(w io.Writer) func() (int, int) {
	return func() (int, int) {
		if f, ok := w.(*os.File); ok {
			if cols, rows, err := term.GetSize(f.Fd()); err == nil && cols > 0 && rows > 0 {
				return cols, rows
			}
		}
		return 80, 24
	}
}

// Send is the event sink of the engine and of up's Kuma steps.
func (r *Renderer) Send(ev orchestrator.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed || r.repeatedKeep(ev) {
		return
	}
	switch {
	case r.p.JSON():
		r.p.Event(ev)
	case r.live:
		r.update(ev)
		r.draw()
	default:
		r.plain(ev)
	}
}

// repeatedKeep drops "unchanged" for something already reported: up
// converges the infrastructure first and then the whole stack, and the
// kuma-cp it created a moment ago is not news.
func (r *Renderer) repeatedKeep(ev orchestrator.Event) bool {
	k := key(ev)
	before := r.seen[k]
	r.seen[k] = true
	return before && ev.Action == "keep"
}

func key(ev orchestrator.Event) string { return ev.Kind + "/" + ev.Service }

// update puts ev on its line of the live view, adding one for a new step.
func (r *Renderer) update(ev orchestrator.Event) {
	l, ok := r.byKey[key(ev)]
	if !ok {
		l = &line{since: ev.Time}
		r.byKey[key(ev)] = l
		r.lines = append(r.lines, l)
	}
	if ev.State == orchestrator.Working && l.ev.Action != ev.Action {
		l.since = ev.Time
	}
	l.ev = ev
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

// draw moves the cursor back over the last frame and redraws it, as one
// write. Lines are cut to the terminal's width, since a wrapped line would
// throw off the count of lines to move back over.
func (r *Renderer) draw() {
	cols, rows := r.size()
	var b strings.Builder
	if r.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", r.drawn)
	}
	settled := r.settle(rows - 1)
	for _, l := range r.lines {
		r.width = max(r.width, len(l.ev.Service)) // only grows: settled lines keep theirs
	}
	width := r.width
	now := time.Now()
	row := func(s string) { b.WriteString("\x1b[2K" + ansi.Truncate(s, cols-1, "…") + "\n") }
	shown, hidden := r.lines, 0
	if fit := max(rows-2, 1); len(shown) > fit+1 {
		// Still too tall: all of it is in progress. One line says how much is not shown.
		shown, hidden = shown[:fit], len(shown)-fit
	}
	for _, l := range append(settled, shown...) {
		row(formatLine(l, width, now))
	}
	r.drawn = len(shown)
	if hidden > 0 {
		row(dim.Render(fmt.Sprintf("   … and %d more in progress", hidden)))
		r.drawn++
	}
	io.WriteString(r.p.Out(), b.String())
}

// settle takes finished lines out of the live region, oldest first, until
// it fits in rows: the cursor cannot move back above the top of the
// screen, so a taller frame would be drawn twice. A settled line is drawn
// once more, then left in the scrollback; a later event for its step
// starts a new line.
func (r *Renderer) settle(rows int) []*line {
	var out []*line
	for len(r.lines) > max(rows, 1) {
		i := slices.IndexFunc(r.lines, func(l *line) bool { return l.ev.State != orchestrator.Working })
		if i < 0 {
			break
		}
		out = append(out, r.lines[i])
		delete(r.byKey, key(r.lines[i].ev))
		r.lines = slices.Delete(r.lines, i, i+1)
	}
	return out
}

// formatLine pads each column before styling it: padding counts bytes,
// and styles add escape codes.
func formatLine(l *line, width int, now time.Time) string {
	ev := l.ev
	style, mark, state := done, "✓", pastTense(ev.Action)
	elapsed := ev.Elapsed
	switch ev.State {
	case orchestrator.Working:
		style, mark, state = working, spinner[int(now.UnixMilli()/100)%len(spinner)], ev.Action+"…"
		elapsed = now.Sub(l.since)
	case orchestrator.Failed:
		style, mark, state = failed, "✗", ev.Action+" failed"
	}
	return fmt.Sprintf(" %s %s %-*s  %s %s  %s", style.Render(mark), dim.Render(fmt.Sprintf("%-9s", ev.Kind)), width, ev.Service,
		style.Render(fmt.Sprintf("%-14s", state)), dim.Render(fmt.Sprintf("%5.1fs", elapsed.Seconds())), dim.Render(ev.Detail))
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
	case "apply":
		return "applied"
	}
	if strings.HasSuffix(action, "e") {
		return action + "d"
	}
	return action + "ed"
}
