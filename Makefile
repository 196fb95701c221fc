# hmsdev: build, test and run the HMS local stack.
GO      ?= go
BIN     ?= bin/hmsdev
PKGS    := ./...
# The binary is static so the same file runs on the host and inside the
# FROM-scratch demo image that hmsdev builds for itself.
export CGO_ENABLED ?= 0

.PHONY: build test unit e2e lint up down bench clean

build:
	$(GO) build -trimpath -o $(BIN) .

## test: unit tests (race detector on), then the end-to-end suite against the Docker Engine.
test: lint unit e2e

unit:
	CGO_ENABLED=1 $(GO) test -race -count=1 $$($(GO) list ./... | grep -v '/e2e$$')

# -v so CI's log shows each end-to-end test and its duration.
e2e:
	$(GO) test -count=1 -timeout 20m -v ./e2e/

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# The demo services run hmsdev itself inside Linux containers. Where this
# machine is not the engine's linux/ARCH (macOS, Apple silicon), build a Linux
# hmsdev for them and point HMSDEV_DEMO_BINARY at it.
up: build
	@engine=$$(docker version --format '{{.Server.Os}}/{{.Server.Arch}}' 2>/dev/null); \
	if [ -n "$$engine" ] && [ "$$engine" != "$$($(GO) env GOOS)/$$($(GO) env GOARCH)" ]; then \
	  echo "building a $$engine hmsdev for the demo services"; \
	  GOOS=$${engine%/*} GOARCH=$${engine#*/} $(GO) build -trimpath -o $(BIN)-$${engine%/*}-$${engine#*/} . || exit 1; \
	  export HMSDEV_DEMO_BINARY=$(BIN)-$${engine%/*}-$${engine#*/}; \
	fi; \
	./$(BIN) up

down: build
	./$(BIN) down

## bench: wall times of hmsdev up/down beside Docker Compose v5.6.0 (figures, not assertions).
bench: build
	./scripts/bench.sh

clean:
	rm -rf bin
