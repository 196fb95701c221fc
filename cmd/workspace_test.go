package cmd

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hms-platform/hmsdev/compose"
	"github.com/hms-platform/hmsdev/internal/ui"
)

// up's JSON output is a stream of objects, one per line; generate's is one
// list. A list in the middle of up's stream would break line readers.
func TestFileChangesInJSON(t *testing.T) {
	changes := []compose.Change{{Path: "docker-compose.yml", Action: "written"}, {Path: "kong/kong.yml", Action: "unchanged"}}

	var stream bytes.Buffer
	printChanges(ui.New(&stream, &stream, ui.JSON), changes, false)
	lines := strings.Split(strings.TrimSpace(stream.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("up: %d lines, want one per file:\n%s", len(lines), stream.String())
	}
	for i, line := range lines {
		var ev map[string]string
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("up: line %d is not a JSON object: %v\n%s", i+1, err, line)
		}
		if ev["kind"] != "file" || ev["path"] != changes[i].Path || ev["action"] != changes[i].Action {
			t.Errorf("up: line %d = %v, want kind file, %+v", i+1, ev, changes[i])
		}
	}

	var list bytes.Buffer
	printChanges(ui.New(&list, &list, ui.JSON), changes, true)
	var got []compose.Change
	if err := json.Unmarshal(list.Bytes(), &got); err != nil || len(got) != 2 {
		t.Fatalf("generate: want one JSON list of 2 changes, got %v (%v)", list.String(), err)
	}
}
