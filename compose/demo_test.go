package compose

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestCheckStaticRejectsWhatCannotRunFromScratch(t *testing.T) {
	script := filepath.Join(t.TempDir(), "hmsdev")
	os.WriteFile(script, []byte("#!/bin/sh\n"), 0o755)
	if err := checkStatic(script); err == nil || !strings.Contains(err.Error(), "not a Linux executable") {
		t.Errorf("a script: %v", err)
	}
	if _, err := os.Stat("/bin/ls"); err == nil {
		if err := checkStatic("/bin/ls"); err == nil || !strings.Contains(err.Error(), "CGO_ENABLED=0 (make build)") {
			t.Errorf("a dynamic binary: %v", err)
		}
	}
}

func TestDemoImageTagFollowsTheBinary(t *testing.T) {
	a, err := DemoImage()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(a, "hmsdev-demo:") || len(a) != len("hmsdev-demo:")+12 {
		t.Errorf("tag %q", a)
	}
}

// Two Go binaries get different digests from their build IDs; a file
// without one is hashed whole, so different content still differs.
func TestBinaryDigestTellsBinariesApart(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	a, errA := binaryDigest(self)
	b, errB := binaryDigest(goTool)
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	if a == b {
		t.Errorf("the test binary and %s have the same digest %s", goTool, a)
	}
	dir := t.TempDir()
	x, y := filepath.Join(dir, "x"), filepath.Join(dir, "y")
	os.WriteFile(x, []byte("one"), 0o755)
	os.WriteFile(y, []byte("two"), 0o755)
	dx, _ := binaryDigest(x)
	dy, _ := binaryDigest(y)
	if dx == "" || dx == dy {
		t.Errorf("non-ELF files: digests %q and %q", dx, dy)
	}
}

func TestContainerBinaryHonoursTheEnvironment(t *testing.T) {
	t.Setenv(BinaryEnv, "")
	self, err := containerBinary()
	if err != nil || self == "" {
		t.Fatalf("without %s: %q %v", BinaryEnv, self, err)
	}
	t.Setenv(BinaryEnv, "bin/hmsdev-linux-arm64")
	got, err := containerBinary()
	want, _ := filepath.Abs("bin/hmsdev-linux-arm64")
	if err != nil || got != want {
		t.Errorf("with %s: %q %v, want %q", BinaryEnv, got, err, want)
	}
}
