package kuma

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// lineOf finds the line of a field path such as spec.to[0].default.http.numRetries
// in d, or the closest enclosing line it can, so an error from the control
// plane points into the file.
func lineOf(d Document, path string) int {
	n := d.Node
	line := d.Line
	for _, part := range splitPath(path) {
		if n == nil {
			break
		}
		if idx, err := strconv.Atoi(part); err == nil && n.Kind == yaml.SequenceNode {
			if idx < 0 || idx >= len(n.Content) {
				break
			}
			n = n.Content[idx]
			line = n.Line
			continue
		}
		if n.Kind != yaml.MappingNode {
			break
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == part {
				line, next = n.Content[i].Line, n.Content[i+1]
				break
			}
		}
		n = next
	}
	return line
}

// splitPath splits a.b[0].c into a, b, 0, c.
func splitPath(path string) []string {
	path = strings.NewReplacer("[", ".", "]", "").Replace(path)
	var out []string
	for _, p := range strings.Split(path, ".") {
		if p != "" {
			out = append(out, strings.Trim(p, `"'`))
		}
	}
	return out
}
