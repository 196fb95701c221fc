package checks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"time"
)

// Stack is the running stack as the checks reach it.
type Stack struct {
	Target Target
	CP     ControlPlane // nil when the Kuma API is not published
	HTTP   HTTP
	Engine Engine // nil when the Docker Engine cannot be reached
	// EngineErr says why Engine is nil.
	EngineErr error
	// NewID makes the fresh trace id of the request check (tests fix it).
	NewID func() string
}

// checkTimeout bounds each check, so one hung part cannot hang verify.
const checkTimeout = 20 * time.Second

// Verify runs the eight checks of the verification checklist, in order.
func Verify(ctx context.Context, s Stack) []Result {
	if s.NewID == nil {
		s.NewID = randomID
	}
	var out []Result
	run := func(f func(context.Context, Stack) Result) Result {
		cctx, cancel := context.WithTimeout(ctx, checkTimeout)
		defer cancel()
		r := f(cctx, s)
		out = append(out, r)
		return r
	}
	run(checkControlPlane)
	run(checkGUI)
	run(checkDataplanes)
	run(checkMTLS)
	run(checkPolicies)
	// One real request through Kong proves two things: the path works, and
	// the context headers survive it.
	cctx, cancel := context.WithTimeout(ctx, checkTimeout)
	seen := sendThroughKong(cctx, s)
	cancel()
	out = append(out, seen.pathResult(s.Target), seen.headersResult(s.Target))
	run(checkMetrics)
	return out
}

func randomID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
