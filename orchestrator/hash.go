package orchestrator

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/compose-spec/compose-go/v2/types"
)

// configHash is Compose's config-hash: SHA-256 of the service's JSON with
// the fields that do not change the container removed. A network_mode:
// service:X is replaced by the container ID of X, so a dependent's hash
// changes when its namespace owner is recreated, and it is recreated too
// instead of being left in a dead namespace.
func configHash(s types.ServiceConfig, ownerID string) (string, error) {
	s.Build = nil
	s.PullPolicy = ""
	s.Scale = nil
	if s.Deploy != nil {
		d := *s.Deploy
		d.Replicas = nil
		s.Deploy = &d
	}
	s.DependsOn = nil
	s.Profiles = nil
	if ownerID != "" {
		s.NetworkMode = "container:" + ownerID
	}
	b, err := json.Marshal(s)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
