package progress

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hms-platform/hmsdev/internal/ui"
	"github.com/hms-platform/hmsdev/orchestrator"
)

// screen replays what the live view wrote on a cols x rows terminal: the
// cursor cannot move above the top row, and a newline on the bottom row
// scrolls the top one into the scrollback. It returns scrollback + screen.
func screen(out string, cols, rows int) ([]string, error) {
	var lines []string // scrollback, then the screen's rows
	top, row := 0, 0   // index of the screen's first row in lines; cursor row on screen
	csi := regexp.MustCompile(`^\x1b\[([0-9;]*)([A-Za-z])`)
	for len(out) > 0 {
		for len(lines) <= top+row {
			lines = append(lines, "")
		}
		if m := csi.FindStringSubmatch(out); m != nil {
			out = out[len(m[0]):]
			n, _ := strconv.Atoi(m[1])
			switch m[2] {
			case "A":
				row = max(row-max(n, 1), 0)
			case "K":
				lines[top+row] = ""
			}
			continue
		}
		if out[0] == '\n' {
			out = out[1:]
			if row == rows-1 {
				top++
			} else {
				row++
			}
			continue
		}
		r := []rune(out)[0]
		out = out[len(string(r)):]
		lines[top+row] += string(r)
		if n := len([]rune(lines[top+row])); n > cols {
			return nil, fmt.Errorf("line wider than the terminal (%d > %d): %q", n, cols, lines[top+row])
		}
	}
	return lines, nil
}

func ev(kind, service, action, state, detail string) orchestrator.Event {
	return orchestrator.Event{Time: time.Now(), Kind: kind, Service: service, Action: action, State: state, Detail: detail}
}

// A live view with more steps than the terminal has rows, the Kuma steps
// among them: every step ends up on exactly one line, in its final state,
// none wider than the terminal, and a repeated "unchanged" adds nothing.
func TestLiveViewFitsTheTerminal(t *testing.T) {
	var buf bytes.Buffer
	cols, rows := 60, 8
	r := newRenderer(ui.New(&buf, &buf, ui.Text), true, func() (int, int) { return cols, rows })
	var services []string
	for i := range 12 {
		svc := fmt.Sprintf("service-with-a-long-name-%02d", i)
		services = append(services, svc)
		r.Send(ev("container", svc, "create", orchestrator.Working, ""))
	}
	r.Send(ev("kuma", "control-plane", "wait", orchestrator.Working, "http://127.0.0.1:5681"))
	for _, svc := range services {
		r.Send(ev("container", svc, "create", orchestrator.Done, "running"))
	}
	r.Send(ev("kuma", "control-plane", "wait", orchestrator.Done, "Kuma 2.5.0"))
	r.Send(ev("kuma", "MeshRetry/hms-retry", "create", orchestrator.Done, "kuma/policies/mesh-retry.yaml"))
	r.Send(ev("dataplane", "hms-auth-bff", "connect", orchestrator.Working, "not registered yet"))
	r.Send(ev("dataplane", "hms-auth-bff", "connect", orchestrator.Done, "online"))
	r.Send(ev("container", services[0], "keep", orchestrator.Done, "unchanged"))
	r.Close()

	lines, err := screen(buf.String(), cols, rows)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(lines, "\n")
	for _, want := range append(services, "control-plane", "MeshRetry/hms-retry", "hms-auth-bff") {
		if n := strings.Count(text, want+" "); n != 1 {
			t.Errorf("%q on %d lines, want 1:\n%s", want, n, text)
		}
	}
	for _, l := range lines {
		if strings.Contains(l, "…  ") || strings.Contains(l, "unchanged") {
			t.Errorf("line not in its final state: %q\n%s", l, text)
		}
	}
	if !regexp.MustCompile(`control-plane +ready`).MatchString(text) {
		t.Errorf("control plane not shown ready:\n%s", text)
	}
}

// Plain lines and JSON carry the same steps; a repeated "unchanged" is
// dropped from both.
func TestPlainAndJSONCarryKumaSteps(t *testing.T) {
	steps := []orchestrator.Event{
		ev("container", "kuma-cp", "create", orchestrator.Done, "running"),
		ev("kuma", "control-plane", "wait", orchestrator.Done, "Kuma 2.5.0"),
		ev("kuma", "Mesh/default", "update", orchestrator.Done, "kuma/mesh-default.yaml"),
		ev("dataplane", "kong", "connect", orchestrator.Done, "online"),
		ev("container", "kuma-cp", "keep", orchestrator.Done, "unchanged"),
	}
	for _, format := range []ui.Format{ui.Text, ui.JSON} {
		var buf bytes.Buffer
		r := newRenderer(ui.New(&buf, &buf, format), false, nil)
		for _, e := range steps {
			r.Send(e)
		}
		r.Close()
		out := strings.Split(strings.TrimSpace(buf.String()), "\n")
		if len(out) != 4 {
			t.Fatalf("%s: want 4 lines (the repeated keep dropped), got:\n%s", format, buf.String())
		}
		for i, l := range out {
			if format == ui.JSON {
				var got orchestrator.Event
				if err := json.Unmarshal([]byte(l), &got); err != nil || got.Service != steps[i].Service || got.Action != steps[i].Action {
					t.Errorf("json line %d: %s (%v)", i, l, err)
				}
			} else if f := strings.Fields(l); len(f) < 4 || f[0] != steps[i].Kind || f[1] != steps[i].Service || f[2] != steps[i].Action {
				t.Errorf("plain line %d: %q", i, l)
			}
		}
	}
}
