package compose

import (
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"

	"github.com/hms-platform/hmsdev/internal/fix"
)

// Executable returns the binary that demo images are built from: the
// running hmsdev. Tests replace it.
var Executable = os.Executable

// demoDockerfile builds the demo image FROM scratch around hmsdev itself.
const demoDockerfile = `FROM scratch
COPY hmsdev /hmsdev
ENTRYPOINT ["/hmsdev", "demo-service"]
`

// demoHash caches the executable's digest: hashing a 20 MB binary on every
// Build would cost more than the rest of generate.
var demoHash struct {
	sync.Mutex
	path, sum string
}

// DemoImage is the demo image's tag: it changes with the binary, so a new
// hmsdev rebuilds the demo services and an unchanged one reuses them.
func DemoImage() (string, error) {
	path, err := Executable()
	if err != nil {
		return "", fix.Wrap(err, "cannot find the hmsdev executable to build the demo image from", "run hmsdev from a file on disk")
	}
	demoHash.Lock()
	defer demoHash.Unlock()
	if demoHash.path != path {
		sum, err := fileDigest(path)
		if err != nil {
			return "", fix.Wrap(err, "cannot read the hmsdev executable "+path, "check its permissions")
		}
		demoHash.path, demoHash.sum = path, sum
	}
	return "hmsdev-demo:" + demoHash.sum[:12], nil
}

func fileDigest(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// demoBinary returns the executable's bytes after checking that it can run
// in an image FROM scratch: a Linux ELF with no dynamic loader.
func demoBinary() ([]byte, error) {
	path, err := Executable()
	if err != nil {
		return nil, fix.Wrap(err, "cannot find the hmsdev executable to build the demo image from", "run hmsdev from a file on disk")
	}
	if err := checkExecutable(path); err != nil {
		return nil, err
	}
	return os.ReadFile(path)
}

func checkStatic(path string) error {
	f, err := elf.Open(path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrPermission) {
			return fix.Wrap(err, fmt.Sprintf("%s is not a Linux executable, so it cannot run in the demo image", path),
				"build hmsdev for Linux with CGO_ENABLED=0 (GOOS=linux make build), or give the services an image: instead of demo: true")
		}
		return fix.Wrap(err, "cannot read "+path, "")
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fix.New(fmt.Sprintf("%s is dynamically linked, so it cannot run in the demo image (FROM scratch)", path),
				"build hmsdev with CGO_ENABLED=0 (make build)")
		}
	}
	return nil
}

// checkExecutable is checkStatic; tests that run under -race (a dynamic
// test binary) replace it.
var checkExecutable = checkStatic
