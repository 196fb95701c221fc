package orchestrator

import (
	"errors"
	"strings"
	"testing"
)

func TestPullFailuresWithOneCauseSayItOnce(t *testing.T) {
	cause := errors.New(`Error response from daemon: Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host`)
	err := pullFailures([]*pullFailure{
		{image: "postgres:16", service: "postgres", key: "infra.postgres.image", err: cause},
		{image: "kong/kuma-dp:2.5.0", service: "a-sidecar", key: "infra.kuma-dp.image", err: cause},
	})
	msg := err.Error()
	for _, want := range []string{
		"cannot pull 2 images (the registry could not be reached):",
		"kong/kuma-dp:2.5.0", "infra.kuma-dp.image", "postgres:16", "infra.postgres.image",
		"fix: check that Docker can reach the registry",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if n := strings.Count(msg, "no such host"); n != 1 {
		t.Errorf("the shared cause appears %d times, want once:\n%s", n, msg)
	}
	if !errors.Is(err, cause) {
		t.Error("the daemon's error is not kept underneath")
	}
}

func TestPullFailuresWithDifferentCausesNameEach(t *testing.T) {
	msg := pullFailures([]*pullFailure{
		{image: "a:1", service: "a", key: "services.a.image", err: errors.New("manifest unknown")},
		{image: "b:1", service: "b", key: "services.b.image", err: errors.New("unauthorized")},
	}).Error()
	for _, want := range []string{
		"cannot pull image a:1 for service a (the registry has no such image, or it is private)",
		"set services.a.image", "cannot pull image b:1 for service b", "set services.b.image",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if pullFailures(nil) != nil {
		t.Error("no failures must be no error")
	}
}
