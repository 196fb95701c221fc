package main

import (
	"github.com/hms-platform/hmsdev/e2e/standin/kumacp"
	"github.com/hms-platform/hmsdev/e2e/standin/kumadp"
)

func init() {
	register("kuma-cp", kumacp.Run)
	register("kuma-dp", kumadp.Run)
}
