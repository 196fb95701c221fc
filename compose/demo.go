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
	"path/filepath"
	"sync"

	"github.com/hms-platform/hmsdev/internal/fix"
)

// BinaryEnv names a Linux build of hmsdev to put in containers (the demo
// image, verify's helper) when the running hmsdev is not one: on macOS the
// engine runs Linux, so `make up` cross-builds one and sets this.
const BinaryEnv = "HMSDEV_DEMO_BINARY"

// Executable returns the hmsdev binary that runs inside containers
// (containerBinary). Tests replace it.
var Executable = containerBinary

// containerBinary is the binary BinaryEnv names, else the running hmsdev.
func containerBinary() (string, error) {
	if path := os.Getenv(BinaryEnv); path != "" {
		return filepath.Abs(path)
	}
	path, err := os.Executable()
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(path)
}

// demoDockerfile builds the demo image FROM scratch around hmsdev itself.
const demoDockerfile = `FROM scratch
COPY hmsdev /hmsdev
ENTRYPOINT ["/hmsdev", "demo-service"]
`

// demoHash caches the executable's digest within one run.
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
		sum, err := binaryDigest(path)
		if err != nil {
			return "", fix.Wrap(err, "cannot read the hmsdev executable "+path, "check its permissions")
		}
		demoHash.path, demoHash.sum = path, sum
	}
	return "hmsdev-demo:" + demoHash.sum[:12], nil
}

// binaryDigest names the binary's content. A Go binary carries its build
// ID (ending in a hash of its content) in an ELF note, read in well under a
// millisecond; hashing all 20 MB took most of a no-change up. Anything else
// is hashed whole.
func binaryDigest(path string) (string, error) {
	if f, err := elf.Open(path); err == nil {
		defer f.Close()
		if sec := f.Section(".note.go.buildid"); sec != nil {
			if note, err := sec.Data(); err == nil && len(note) > 0 {
				sum := sha256.Sum256(note)
				return hex.EncodeToString(sum[:]), nil
			}
		}
	}
	return fileDigest(path)
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

// demoBinaryFile is the demo build context's copy of the executable, at
// dest, after checking that it can run in an image FROM scratch (a Linux
// ELF with no dynamic loader). When dest already holds the same binary (same
// size and digest) the file is Current and its 20 MB are not read.
func demoBinaryFile(dest string) (File, error) {
	f := File{Path: dest, Mode: 0o755}
	path, err := Executable()
	if err != nil {
		return f, fix.Wrap(err, "cannot find the hmsdev executable to build the demo image from", "run hmsdev from a file on disk")
	}
	if err := checkExecutable(path); err != nil {
		return f, err
	}
	if sameBinary(path, dest) {
		f.Current = true
		return f, nil
	}
	f.Data, err = os.ReadFile(path)
	return f, err
}

// sameBinary reports whether a and b hold the same binary.
func sameBinary(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	if errA != nil || errB != nil || sa.Size() != sb.Size() || sb.Mode().Perm() != 0o755 {
		return false
	}
	da, errA := binaryDigest(a)
	db, errB := binaryDigest(b)
	return errA == nil && errB == nil && da == db
}

func checkStatic(path string) error {
	f, err := elf.Open(path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrPermission) {
			return fix.Wrap(err, fmt.Sprintf("%s is not a Linux executable, so it cannot run in the demo image", path),
				fmt.Sprintf("run `make up` (it builds a Linux hmsdev for the engine), or build one yourself (GOOS=linux GOARCH=<the engine's, e.g. arm64> CGO_ENABLED=0 go build -o hmsdev-linux .) and set %s=hmsdev-linux; or give the services an image: instead of demo: true", BinaryEnv))
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
