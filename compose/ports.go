// Package compose turns a workspace into what runs it: a compose-go project
// (docker-compose.yml), the Kuma dataplane files and Kong's declarative
// config. It also owns the commands that write them: init, generate,
// add-service. See docs/ARCHITECTURE.md for the naming and port contract.
package compose

import (
	"fmt"
	"strings"

	"github.com/hms-platform/hmsdev/internal/workspace"
)

// firstOutboundPort is the outbound port of the first service in
// hmsdev.yaml; service i gets firstOutboundPort+i in every caller, so a URL
// means the same thing everywhere.
const firstOutboundPort = 10001

// OutboundPort is the port on 127.0.0.1 at which any caller reaches target
// through its sidecar.
func OutboundPort(cfg *workspace.Config, target string) int {
	for i, s := range cfg.Services {
		if s.Name == target {
			return firstOutboundPort + i
		}
	}
	panic("compose: outbound port of unknown service " + target) // validation names every target
}

// URLEnv is the env var that carries a target's URL: HMS_<T_UPPER_SNAKE>_URL.
func URLEnv(target string) string {
	return "HMS_" + strings.ToUpper(strings.ReplaceAll(target, "-", "_")) + "_URL"
}

// OutboundURL is the URL a caller uses to reach target through the mesh.
func OutboundURL(cfg *workspace.Config, target string) string {
	return fmt.Sprintf("http://127.0.0.1:%d", OutboundPort(cfg, target))
}
