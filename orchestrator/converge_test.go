package orchestrator

import (
	"testing"

	"github.com/moby/moby/api/types/container"
)

func TestDecide(t *testing.T) {
	running := &container.Summary{State: container.StateRunning, ImageID: "img1", Labels: map[string]string{LabelConfigHash: "h1"}}
	created := &container.Summary{State: container.StateCreated, ImageID: "img1", Labels: map[string]string{LabelConfigHash: "h1"}}
	for _, tc := range []struct {
		name           string
		cur            *container.Summary
		hash, image    string
		force, ownerRe bool
		want           string
	}{
		{"none", nil, "h1", "img1", false, false, ActCreate},
		{"unchanged", running, "h1", "img1", false, false, ActKeep},
		{"config changed", running, "h2", "img1", false, false, ActRecreate},
		{"image rebuilt under the same tag", running, "h1", "img2", true, false, ActRecreate},
		{"half-created by an interrupted up", created, "h1", "img1", false, false, ActStart},
		{"restart asked", running, "h1", "img1", true, false, ActRestart},
		{"namespace owner restarted", running, "h1", "img1", false, true, ActRestart},
	} {
		if got := decide(tc.cur, tc.hash, tc.image, tc.force, tc.ownerRe); got != tc.want {
			t.Errorf("%s: decide = %s, want %s", tc.name, got, tc.want)
		}
	}
}
