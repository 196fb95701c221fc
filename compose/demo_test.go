package compose

import (
	"os"
	"path/filepath"
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
