#!/usr/bin/env bash
# bench: wall times of hmsdev's cold up, no-change up and down for the
# 6-container e2e stack, beside Docker Compose v5.6.0 on the same file and
# images, as ratios. Figures, not assertions.
set -euo pipefail
cd "$(dirname "$0")/.."

plugin="${HOME}/.docker/cli-plugins/docker-compose"
want="v5.6.0"
if ! docker compose version 2>/dev/null | grep -q "$want"; then
  echo "bench: building Docker Compose $want from the Go module proxy (about 2 minutes)..."
  mkdir -p "$(dirname "$plugin")"
  # Its own module (scripts/compose-bench), never a dependency of hmsdev.
  (cd scripts/compose-bench && GOFLAGS=-mod=mod CGO_ENABLED=0 go build -trimpath \
    -ldflags "-X github.com/docker/compose/v5/internal.Version=$want" \
    -o "$plugin" github.com/docker/compose/v5/cmd)
fi
docker compose version

out=$(mktemp)
trap 'rm -f "$out"' EXIT
HMSDEV_BENCH_OUT="$out" go test -count=1 -timeout 20m -run '^$' -bench '^BenchmarkUpDown$' -benchtime 1x ./e2e/ >/dev/null
cat "$out"
