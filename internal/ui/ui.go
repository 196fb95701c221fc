// Package ui renders hmsdev's output: styled with lipgloss on a terminal,
// plain text when piped or when NO_COLOR is set, JSON lines for scripts.
package ui

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/term"
)

// Format is the output format chosen with --output.
type Format string

const (
	Text Format = "text"
	JSON Format = "json"
)

// Printer writes user-facing output. It is safe for concurrent use.
type Printer struct {
	mu     sync.Mutex
	out    io.Writer
	err    io.Writer
	format Format
	styled bool // lipgloss styling on: a terminal and NO_COLOR unset
}

// New returns a Printer for out and errOut. Styling is on only when out is a
// terminal, NO_COLOR is unset and the format is text.
func New(out, errOut io.Writer, format Format) *Printer {
	return &Printer{out: out, err: errOut, format: format, styled: format == Text && IsTerminal(out) && os.Getenv("NO_COLOR") == ""}
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// Styled reports whether output is styled (and so may be redrawn live).
func (p *Printer) Styled() bool { return p.styled }

// JSON reports whether scripts are reading: every event is a JSON line.
func (p *Printer) JSON() bool { return p.format == JSON }

// Out is the writer for primary output.
func (p *Printer) Out() io.Writer { return p.out }

var (
	okStyle   = lipgloss.NewStyle().Foreground(lipgloss.Color("2")).Bold(true)
	failStyle = lipgloss.NewStyle().Foreground(lipgloss.Color("1")).Bold(true)
	warnStyle = lipgloss.NewStyle().Foreground(lipgloss.Color("3")).Bold(true)
	dimStyle  = lipgloss.NewStyle().Foreground(lipgloss.Color("8"))
	headStyle = lipgloss.NewStyle().Bold(true)
)

// Style names the kinds of text the printer styles.
type Style int

const (
	Plain Style = iota
	OK
	Fail
	Warn
	Dim
	Heading
)

// Paint renders s in style st when styling is on.
func (p *Printer) Paint(st Style, s string) string {
	if !p.styled {
		return s
	}
	switch st {
	case OK:
		return okStyle.Render(s)
	case Fail:
		return failStyle.Render(s)
	case Warn:
		return warnStyle.Render(s)
	case Dim:
		return dimStyle.Render(s)
	case Heading:
		return headStyle.Render(s)
	}
	return s
}

// Linef prints one line of text output. In JSON mode it prints nothing:
// scripts read Event lines instead.
func (p *Printer) Linef(format string, args ...any) {
	if p.format == JSON {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.out, format+"\n", args...)
}

// Event prints v as one JSON line in JSON mode and nothing otherwise.
func (p *Printer) Event(v any) {
	if p.format != JSON {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(map[string]string{"error": err.Error()})
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.out.Write(append(b, '\n'))
}

// Errorf prints an error to the error stream, styled when on a terminal.
func (p *Printer) Error(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.format == JSON {
		b, _ := json.Marshal(map[string]string{"error": err.Error()})
		fmt.Fprintln(p.err, string(b))
		return
	}
	prefix := "Error:"
	if p.styled && IsTerminal(p.err) {
		prefix = failStyle.Render(prefix)
	}
	fmt.Fprintln(p.err, prefix, err.Error())
}

// Table renders rows under headers as aligned columns.
func (p *Printer) Table(headers []string, rows [][]string) {
	if p.format == JSON {
		return
	}
	widths := make([]int, len(headers))
	for i, h := range headers {
		widths[i] = len(h)
	}
	for _, r := range rows {
		for i, c := range r {
			if i < len(widths) && lipgloss.Width(c) > widths[i] {
				widths[i] = lipgloss.Width(c)
			}
		}
	}
	line := func(cells []string, st Style) string {
		var b strings.Builder
		for i, c := range cells {
			pad := ""
			if i < len(cells)-1 {
				pad = strings.Repeat(" ", widths[i]-lipgloss.Width(c)+2)
			}
			b.WriteString(p.Paint(st, c) + pad)
		}
		return strings.TrimRight(b.String(), " ")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintln(p.out, line(headers, Heading))
	for _, r := range rows {
		fmt.Fprintln(p.out, line(r, Plain))
	}
}
