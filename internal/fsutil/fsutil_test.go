package fsutil

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestWriteIfChangedLeavesUnchangedFileAlone(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "f.yaml")
	wrote, err := WriteIfChanged(path, []byte("a: 1\n"), 0o644)
	if err != nil || !wrote {
		t.Fatalf("first write: wrote=%v err=%v", wrote, err)
	}
	past := time.Now().Add(-time.Hour)
	if err := os.Chtimes(path, past, past); err != nil {
		t.Fatal(err)
	}
	wrote, err = WriteIfChanged(path, []byte("a: 1\n"), 0o644)
	if err != nil || wrote {
		t.Fatalf("same content: wrote=%v err=%v", wrote, err)
	}
	st, _ := os.Stat(path)
	if !st.ModTime().Equal(past) {
		t.Fatalf("mtime changed on a no-op write: %v", st.ModTime())
	}
	wrote, err = WriteIfChanged(path, []byte("a: 2\n"), 0o644)
	if err != nil || !wrote {
		t.Fatalf("changed content: wrote=%v err=%v", wrote, err)
	}
	got, _ := os.ReadFile(path)
	if string(got) != "a: 2\n" {
		t.Fatalf("content = %q", got)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}
