package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/hms-platform/hmsdev/e2e/standin/kong"
	"github.com/hms-platform/hmsdev/e2e/standin/zipkin"
)

// The edge parts: Kong in front of the mesh and Zipkin beside it. Both are
// configured through the real images' environment variables.
func init() {
	register("kong", func([]string) error {
		ctx, cancel := sigtermContext()
		defer cancel()
		return kong.Run(ctx, os.Getenv, os.Stdout)
	})
	register("zipkin", func([]string) error {
		ctx, cancel := sigtermContext()
		defer cancel()
		return zipkin.Run(ctx, os.Getenv, os.Stdout)
	})
}

// sigtermContext ends on SIGTERM or Ctrl-C: as PID 1 in a FROM-scratch image a
// part must handle SIGTERM itself or `docker stop` waits out its timeout.
func sigtermContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}
