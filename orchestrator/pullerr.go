package orchestrator

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hms-platform/hmsdev/internal/fix"
)

// pullFailure is one image that could not be pulled.
type pullFailure struct {
	image, service, key string // key: the hmsdev.yaml key that sets the image
	err                 error
}

func (f *pullFailure) Error() string { return f.err.Error() }

// pullFailures turns failed pulls into one error a user can act on. When
// they share a cause (the usual case: no registry answers), the cause is
// said once under a list of images and the keys that set them, instead of
// six copies of the same daemon message.
func pullFailures(fails []*pullFailure) error {
	if len(fails) == 0 {
		return nil
	}
	sort.Slice(fails, func(i, j int) bool { return fails[i].image < fails[j].image })
	if len(fails) == 1 || !sameCause(fails) {
		errs := make([]string, len(fails))
		for i, f := range fails {
			errs[i] = pullFailureError(f).Error()
		}
		return fix.New(strings.Join(errs, "\n"), "")
	}
	var what strings.Builder
	fmt.Fprintf(&what, "cannot pull %d images%s:", len(fails), reason(fails[0].err))
	for _, f := range fails {
		fmt.Fprintf(&what, "\n    %-28s for %-28s set by %s", f.image, f.service, f.key)
	}
	return fix.Wrap(fails[0].err, what.String(),
		fmt.Sprintf("check that Docker can reach the registry (`docker pull %s`), or load the images (docker load / docker build -t), or point the keys above in hmsdev.yaml at images you have", fails[0].image))
}

// pullFailureError is the error for one image alone.
func pullFailureError(f *pullFailure) error {
	return fix.Wrap(f.err, fmt.Sprintf("cannot pull image %s for service %s%s", f.image, f.service, reason(f.err)),
		fmt.Sprintf("make the image available locally (docker build/load -t %s), or set %s in hmsdev.yaml to an image you have; check registry access with `docker pull %s`", f.image, f.key, f.image))
}

func sameCause(fails []*pullFailure) bool {
	for _, f := range fails[1:] {
		if f.err.Error() != fails[0].err.Error() {
			return false
		}
	}
	return true
}

// reason recognises the daemon's "registry unreachable" messages, which
// name a DNS or TCP failure, not a missing image.
func reason(err error) string {
	msg := err.Error()
	for _, s := range []string{"no such host", "dial tcp", "i/o timeout", "connection refused", "TLS handshake timeout", "network is unreachable"} {
		if strings.Contains(msg, s) {
			return " (the registry could not be reached)"
		}
	}
	for _, s := range []string{"manifest unknown", "not found", "pull access denied"} {
		if strings.Contains(msg, s) {
			return " (the registry has no such image, or it is private)"
		}
	}
	return ""
}
