package logs

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// fake writes lines "TS text" at the given offsets from t0, stdout and
// stderr alternating, in pieces that split lines.
func fake(name string, t0 time.Time, lines map[int]string) Source {
	return Source{Name: name, Copy: func(ctx context.Context, out, errOut io.Writer) error {
		i := 0
		for off := 0; off < 10; off++ {
			text, ok := lines[off]
			if !ok {
				continue
			}
			w := out
			if i%2 == 1 {
				w = errOut
			}
			i++
			full := t0.Add(time.Duration(off)*time.Millisecond).Format(time.RFC3339Nano) + " " + text + "\n"
			w.Write([]byte(full[:5]))
			w.Write([]byte(full[5:]))
		}
		return nil
	}}
}

func TestStreamOrdersByTime(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var b strings.Builder
	err := Stream(context.Background(), &b, []Source{
		fake("hms-auth-bff", t0, map[int]string{1: "bff one", 4: "bff two"}),
		fake("kong", t0, map[int]string{0: "kong zero", 2: "kong two", 5: "kong five"}),
	}, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := "kong         | kong zero\nhms-auth-bff | bff one\nkong         | kong two\nhms-auth-bff | bff two\nkong         | kong five\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestStreamFollowKeepsTimestampsAndReportsErrors(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var b strings.Builder
	broken := Source{Name: "x", Copy: func(context.Context, io.Writer, io.Writer) error { return fmt.Errorf("no such container") }}
	Stream(context.Background(), &b, []Source{fake("a", t0, map[int]string{0: "hello"}), broken}, nil, Options{Follow: true, Timestamps: true})
	if !strings.Contains(b.String(), "a | 2026-01-01T00:00:00Z hello\n") || !strings.Contains(b.String(), "Z hmsdev: cannot read this log: no such container") {
		t.Errorf("got %q", b.String())
	}
}

func TestStreamColour(t *testing.T) {
	var b strings.Builder
	Stream(context.Background(), &b, []Source{fake("a", time.Now(), map[int]string{0: "hi"})}, nil, Options{Colour: true})
	if !strings.Contains(b.String(), "\x1b[") || !strings.HasSuffix(b.String(), "hi\n") {
		t.Errorf("got %q", b.String())
	}
}

func TestStreamFollowTakesLaterSources(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	more := make(chan Source)
	var b strings.Builder
	done := make(chan struct{})
	go func() {
		Stream(context.Background(), &b, []Source{fake("kong", t0, map[int]string{0: "first"})}, more, Options{Follow: true, Width: 12})
		close(done)
	}()
	more <- fake("hms-auth-bff", t0, map[int]string{1: "after a restart"})
	close(more)
	<-done
	if !strings.Contains(b.String(), "kong         | first\n") || !strings.Contains(b.String(), "hms-auth-bff | after a restart\n") {
		t.Errorf("got %q", b.String())
	}
}
