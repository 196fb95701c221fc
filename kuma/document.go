package kuma

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/hms-platform/hmsdev/internal/fix"
)

// Document is one resource document from a YAML (or JSON) file.
type Document struct {
	File  string // as the user named it; "<stdin>" for -
	Index int    // 1-based position in a multi-document file
	Multi bool   // the file holds more than one document
	Line  int    // where the document starts
	Type  string
	Mesh  string
	Name  string
	Node  *yaml.Node     // the root mapping, for positions
	Body  map[string]any // the document as JSON will carry it
}

// Where names the document for messages: file, and the index when the file
// holds several.
func (d Document) Where() string {
	if d.Multi {
		return fmt.Sprintf("%s (document %d)", d.File, d.Index)
	}
	return d.File
}

// Pos names a line of the document, with the document's index when the
// file holds several: file:line (document N).
func (d Document) Pos(line int) string {
	if d.Multi {
		return fmt.Sprintf("%s:%d (document %d)", d.File, line, d.Index)
	}
	return fmt.Sprintf("%s:%d", d.File, line)
}

// At names a line of the document's file.
func (d Document) At(line int) string { return fmt.Sprintf("%s:%d", d.File, line) }

// ParseDocuments reads every non-empty document of data.
func ParseDocuments(file string, data []byte) ([]Document, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []Document
	for i := 1; ; i++ {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fix.Wrap(err, fmt.Sprintf("%s (document %d) is not valid YAML", file, i),
				"fix the syntax at the line the cause names")
		}
		root := &n
		if root.Kind == yaml.DocumentNode {
			if len(root.Content) == 0 {
				continue
			}
			root = root.Content[0]
		}
		if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
			continue // an empty document between two ---
		}
		d := Document{File: file, Index: i, Line: root.Line, Node: root}
		if root.Kind != yaml.MappingNode {
			return nil, fix.New(fmt.Sprintf("%s:%d: document %d is not a mapping of keys to values", file, root.Line, i),
				"a Kuma resource starts with type:, name: (and mesh:) at the left margin")
		}
		var body map[string]any
		if err := root.Decode(&body); err != nil {
			return nil, fix.Wrap(err, fmt.Sprintf("%s:%d: document %d cannot be read", file, root.Line, i), "")
		}
		d.Body = jsonable(body).(map[string]any)
		d.Type, _ = d.Body["type"].(string)
		d.Name, _ = d.Body["name"].(string)
		d.Mesh, _ = d.Body["mesh"].(string)
		docs = append(docs, d)
	}
	multi := len(docs) > 1
	for i := range docs {
		docs[i].Multi = multi
	}
	return docs, nil
}

// jsonable turns what YAML decoding gives into what encoding/json takes:
// maps with non-string keys become string-keyed.
func jsonable(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = jsonable(e)
		}
		return t
	case map[any]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[fmt.Sprint(k)] = jsonable(e)
		}
		return out
	case []any:
		for i, e := range t {
			t[i] = jsonable(e)
		}
		return t
	}
	return v
}

// ReadDocuments reads the documents of a file, of every *.yaml, *.yml and
// *.json file of a directory in name order, or of stdin for "-".
func ReadDocuments(path string, stdin io.Reader) ([]Document, error) {
	if path == "-" {
		data, err := io.ReadAll(stdin)
		if err != nil {
			return nil, fix.Wrap(err, "cannot read the documents from stdin", "")
		}
		return ParseDocuments("<stdin>", data)
	}
	files, err := ResourceFiles(path)
	if err != nil {
		return nil, err
	}
	var all []Document
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fix.Wrap(err, "cannot read "+f, "check the path and its permissions")
		}
		docs, err := ParseDocuments(f, data)
		if err != nil {
			return nil, err
		}
		all = append(all, docs...)
	}
	return all, nil
}

// ResourceFiles returns path itself for a file, or the YAML and JSON files
// directly inside a directory, in name order.
func ResourceFiles(path string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fix.Wrap(err, "cannot read "+path, "give a file, a directory of *.yaml files, or - for stdin")
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, fix.Wrap(err, "cannot list "+path, "")
	}
	var files []string
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if !e.IsDir() && (ext == ".yaml" || ext == ".yml" || ext == ".json") && !strings.HasPrefix(e.Name(), ".") {
			files = append(files, filepath.Join(path, e.Name()))
		}
	}
	sort.Strings(files)
	return files, nil
}
