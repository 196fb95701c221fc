//go:build tools

// Package composebench pins Docker Compose v5.6.0 so scripts/bench.sh can
// build it from the Go module proxy; it is never a dependency of hmsdev.
package composebench

import _ "github.com/docker/compose/v5/cmd"
