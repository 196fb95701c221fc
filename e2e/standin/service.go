package main

import (
	"context"
	"errors"
	"os"

	"github.com/hms-platform/hmsdev/internal/demo"
)

// The "service" part is hmsdev's own demo service, so the end-to-end tests
// exercise exactly what users get; "probe" is its image healthcheck.
func init() {
	register("service", func(args []string) error {
		cfg, err := demo.ConfigFromEnv(os.Getenv)
		if err != nil {
			return err
		}
		ctx, cancel := sigtermContext()
		defer cancel()
		return demo.Serve(ctx, cfg, os.Stdout)
	})
	register("probe", func(args []string) error {
		if len(args) != 1 {
			return errors.New("usage: standin probe URL")
		}
		return demo.Probe(context.Background(), args[0])
	})
}
