// Package orchestrator runs a compose project (compose-go types) on the
// Docker Engine: preflight, plan, converge, wait, down, restart, status and
// logs. It labels everything the way Docker Compose does, so `docker compose
// -p NAME ps/logs/down` sees what it made, and it reports progress as a
// stream of Events that callers render.
package orchestrator
