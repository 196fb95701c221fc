// Package logs interleaves the log streams of several containers into one,
// each line behind its service's name, coloured on a terminal, the way
// `docker compose logs` shows them.
package logs

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"charm.land/lipgloss/v2"
)

// Source is one container's log: Copy writes its stdout and stderr, each
// line starting with the engine's RFC 3339 timestamp, until it ends.
type Source struct {
	Name string
	Copy func(ctx context.Context, stdout, stderr io.Writer) error
}

// Options say how lines are shown.
type Options struct {
	// Follow prints lines as they come; otherwise Stream reads every log to
	// its end and prints the lines of all services in time order.
	Follow bool
	// Colour styles each name with its own colour.
	Colour bool
	// Timestamps keeps the engine's timestamp on each line.
	Timestamps bool
	// Width pads names to at least this many characters, so sources that
	// arrive later line up with the first ones.
	Width int
}

// palette are the ANSI colours names cycle through, as docker compose does.
var palette = []string{"6", "3", "2", "5", "4", "1", "14", "11", "10", "13", "12", "9"}

// line is one log line of one source.
type line struct {
	at   time.Time
	seq  int // arrival order, to keep a source's own order on equal times
	text string
}

// Stream copies every source's lines to w behind its prefix. Without
// Follow it returns once every source has ended. With Follow, more brings
// sources that appear later (a container restarted or recreated while the
// user watches), and Stream returns when ctx ends, or when every source has
// ended and more is closed. A failing source is reported on its own
// prefixed line; the others carry on.
func Stream(ctx context.Context, w io.Writer, sources []Source, more <-chan Source, o Options) error {
	width := o.Width
	for _, s := range sources {
		width = max(width, len(s.Name))
	}
	var (
		mu      sync.Mutex
		pending []line
		seq     int
		colours = map[string]int{} // a name keeps its colour across restarts
	)
	emit := func(text string, at time.Time) {
		mu.Lock()
		defer mu.Unlock()
		if o.Follow {
			io.WriteString(w, text)
			return
		}
		seq++
		pending = append(pending, line{at: at, seq: seq, text: text})
	}
	var wg sync.WaitGroup
	start := func(s Source) {
		mu.Lock()
		c, ok := colours[s.Name]
		if !ok {
			c = len(colours)
			colours[s.Name] = c
		}
		mu.Unlock()
		prefix := fmt.Sprintf("%-*s | ", width, s.Name)
		if o.Colour {
			prefix = lipgloss.NewStyle().Foreground(lipgloss.Color(palette[c%len(palette)])).Render(prefix)
		}
		lw := &lineWriter{prefix: prefix, timestamps: o.Timestamps, emit: emit}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Copy(ctx, lw, lw); err != nil && ctx.Err() == nil {
				lw.Write([]byte(time.Now().UTC().Format(time.RFC3339Nano) + " hmsdev: cannot read this log: " + err.Error() + "\n"))
			}
			lw.flush()
		}()
	}
	for _, s := range sources {
		start(s)
	}
	if o.Follow && more != nil {
	loop:
		for {
			select {
			case s, ok := <-more:
				if !ok {
					break loop
				}
				start(s)
			case <-ctx.Done():
				break loop
			}
		}
	}
	wg.Wait()
	sort.SliceStable(pending, func(i, j int) bool {
		if !pending[i].at.Equal(pending[j].at) {
			return pending[i].at.Before(pending[j].at)
		}
		return pending[i].seq < pending[j].seq
	})
	for _, l := range pending {
		io.WriteString(w, l.text)
	}
	return nil
}

// lineWriter cuts a stream into lines, splits off the engine's timestamp
// and emits each line behind the prefix. Both streams of a source share it:
// the engine hands over whole frames, so lines do not tear.
type lineWriter struct {
	mu         sync.Mutex
	prefix     string
	timestamps bool
	emit       func(text string, at time.Time)
	buf        []byte
}

func (l *lineWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		l.line(string(l.buf[:i]))
		l.buf = l.buf[i+1:]
	}
}

func (l *lineWriter) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf) > 0 {
		l.line(string(l.buf))
		l.buf = nil
	}
}

func (l *lineWriter) line(s string) {
	s = strings.TrimSuffix(s, "\r")
	var at time.Time
	if ts, rest, ok := strings.Cut(s, " "); ok {
		if t, err := time.Parse(time.RFC3339Nano, ts); err == nil {
			at = t
			if !l.timestamps {
				s = rest
			}
		}
	}
	l.emit(l.prefix+s+"\n", at)
}
