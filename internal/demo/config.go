// Package demo is hmsdev's stand-in for an HMS Spring Boot service: it
// answers /actuator/health, echoes what it received as JSON, and calls the
// services it is configured to call through its sidecar's outbounds,
// forwarding every x-hms-* header. hmsdev builds it into a FROM-scratch image
// so the whole request path works before the platform's own images exist.
package demo

import (
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
)

// Call is one downstream service this service calls, and where: normally the
// sidecar outbound http://127.0.0.1:<port>.
type Call struct {
	Service string `json:"service"`
	URL     string `json:"url"`
}

// Config is the demo service's configuration, read from the environment the
// way a Spring Boot service reads its own.
type Config struct {
	Port    int    // SERVER_PORT, default 8080
	Service string // HMS_SERVICE_NAME, default "demo"
	Calls   []Call // HMS_CALLS: "svc=http://127.0.0.1:10002,svc2=..."
	// HealthDown makes /actuator/health answer 503 forever
	// (HMS_DEMO_HEALTH=down), for tests of a service that never gets healthy.
	HealthDown bool
}

// ConfigFromEnv reads Config from getenv (os.Getenv in production).
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	c := Config{Port: 8080, Service: "demo"}
	if p := getenv("SERVER_PORT"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return c, fmt.Errorf("SERVER_PORT=%q: want a port number 1-65535", p)
		}
		c.Port = n
	}
	if s := getenv("HMS_SERVICE_NAME"); s != "" {
		c.Service = s
	}
	calls, err := ParseCalls(getenv("HMS_CALLS"))
	if err != nil {
		return c, err
	}
	c.Calls = calls
	switch h := strings.ToLower(getenv("HMS_DEMO_HEALTH")); h {
	case "", "up":
	case "down":
		c.HealthDown = true
	default:
		return c, fmt.Errorf("HMS_DEMO_HEALTH=%q: want up or down", h)
	}
	return c, nil
}

// ParseCalls parses HMS_CALLS: comma-separated service=URL pairs, in order.
func ParseCalls(s string) ([]Call, error) {
	var calls []Call
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, raw, ok := strings.Cut(part, "=")
		name, raw = strings.TrimSpace(name), strings.TrimSpace(raw)
		if !ok || name == "" || raw == "" {
			return nil, fmt.Errorf("HMS_CALLS entry %q: want service=http://host:port", part)
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("HMS_CALLS entry %q: %q is not an http URL", part, raw)
		}
		calls = append(calls, Call{Service: name, URL: strings.TrimRight(raw, "/")})
	}
	return calls, nil
}
