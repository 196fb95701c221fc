package cmd

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// An error of a command cut short by Ctrl-C says so and what to run next,
// whichever step reported it; other errors pass through.
func TestInterruptedSaysWhatToRunNext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	step := errors.New("Get \"http://127.0.0.1:5681/\": context canceled")
	if got := interrupted(ctx, step, "up", "run it again"); got != step {
		t.Errorf("not interrupted: got %v, want the step's error", got)
	}
	cancel()
	err := interrupted(ctx, step, "up", "run it again")
	if msg := err.Error(); !strings.HasPrefix(msg, "up was interrupted\n  fix: run it again") || !errors.Is(err, context.Canceled) {
		t.Errorf("interrupted: %q", msg)
	}
	if interrupted(ctx, nil, "up", "") != nil {
		t.Error("no error must stay no error")
	}
}
