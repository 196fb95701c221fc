// Package yamledit edits YAML files as text: changes are worked out on the
// yaml.Node tree and spliced into the file's bytes at the nodes' positions,
// so everything else the user wrote (comments, blank lines, quoting,
// indentation, line endings) stays byte for byte.
package yamledit

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"
)

// Text is a YAML file's bytes, indexed by line so that a yaml.Node's
// position (1-based line, 1-based column counted in characters) becomes a
// byte offset. Edits are computed on the Node tree and spliced into these
// bytes, so everything the user wrote stays as it was.
type Text struct {
	src   []byte
	start []int  // start[i] is the offset of line i+1
	nl    string // the file's line ending: "\n" or "\r\n"
}

// New indexes src by line.
func New(src []byte) *Text {
	t := &Text{src: src, nl: "\n"}
	if strings.Contains(string(src), "\r\n") {
		t.nl = "\r\n"
	}
	for off := 0; off < len(src); {
		t.start = append(t.start, off)
		i := strings.IndexByte(string(src[off:]), '\n')
		if i < 0 {
			break
		}
		off += i + 1
	}
	return t
}

// Lines is the number of lines.
func (t *Text) Lines() int { return len(t.start) }

// Line returns line n (1-based) without its line ending.
func (t *Text) Line(n int) string {
	end := len(t.src)
	if n < len(t.start) {
		end = t.start[n]
	}
	return strings.TrimRight(string(t.src[t.start[n-1]:end]), "\r\n")
}

// Offset converts a Node position to a byte offset.
func (t *Text) Offset(line, col int) int {
	off := t.start[line-1]
	for i := 1; i < col && off < len(t.src); i++ {
		_, size := utf8.DecodeRune(t.src[off:])
		off += size
	}
	return off
}

// IndentOf is the number of leading spaces of line n.
func (t *Text) IndentOf(n int) int {
	l := t.Line(n)
	return len(l) - len(strings.TrimLeft(l, " "))
}

func (t *Text) Blank(n int) bool { return strings.TrimSpace(t.Line(n)) == "" }

func (t *Text) Comment(n int) bool {
	return strings.HasPrefix(strings.TrimSpace(t.Line(n)), "#")
}

// LastLine returns the last line of a block mapping entry whose key sits at
// column keyCol on line first, where next is the line of whatever follows the
// entry (0: the end of the file). Trailing blank lines are left out, and so
// are trailing comments at or left of keyCol: they introduce what follows.
func (t *Text) LastLine(first, next, keyCol int) int {
	last := t.Lines()
	if next > 0 {
		last = next - 1
	}
	for last > first && (t.Blank(last) || t.Comment(last) && t.IndentOf(last) < keyCol) {
		last--
	}
	return last
}

// Edit replaces a range of the source with new text; a pure insertion has end == at.
type Edit struct {
	at, end int
	text    string
}

// InsertAfter inserts whole lines (each ending in the file's line ending)
// after line n, ending line n first if it is the file's unterminated last line.
func (t *Text) InsertAfter(n int, lines ...string) Edit {
	text := strings.Join(lines, t.nl) + t.nl
	if n < t.Lines() {
		return Edit{at: t.start[n], end: t.start[n], text: text}
	}
	if !strings.HasSuffix(string(t.src), "\n") {
		text = t.nl + text
	}
	return Edit{at: len(t.src), end: len(t.src), text: text}
}

// Apply splices the edits into the source. Edits at the same offset keep
// their order.
func (t *Text) Apply(edits []Edit) []byte {
	sorted := slices.Clone(edits)
	slices.SortStableFunc(sorted, func(a, b Edit) int { return a.at - b.at })
	var out []byte
	prev := 0
	for _, e := range sorted {
		out = append(out, t.src[prev:e.at]...)
		out = append(out, e.text...)
		prev = e.end
	}
	return append(out, t.src[prev:]...)
}

// FlowAppend adds item as the last entry of the flow collection n ([...] or
// {...}): "[a]" becomes "[a, item]", "[]" becomes "[item]", and a trailing
// comma is kept. ok is false when n's text is not where the Node says.
func (t *Text) FlowAppend(n *yaml.Node, item string) (e Edit, ok bool) {
	open := t.Offset(n.Line, n.Column)
	lastSig, closeAt := flowScan(t.src, open)
	if closeAt < 0 {
		return Edit{}, false
	}
	switch t.src[lastSig-1] {
	case '[', '{':
		// empty: "[item]"
	case ',':
		item = " " + item
	default:
		item = ", " + item
	}
	return Edit{at: lastSig, end: lastSig, text: item}, true
}

// flowScan reads the flow collection opening at src[open] and returns the
// offset just after its last significant character before the closing
// bracket (quotes, nesting and comments taken into account), and the
// closing bracket's offset, or -1 if src[open] opens no flow collection.
func flowScan(src []byte, open int) (lastSig, closeAt int) {
	if open >= len(src) || (src[open] != '[' && src[open] != '{') {
		return 0, -1
	}
	depth := 0
	for i := open; i < len(src); i++ {
		switch c := src[i]; {
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			depth--
			if depth == 0 {
				return lastSig, i
			}
		case c == '"' || c == '\'':
			i = quoteEnd(src, i)
		case c == '#' && (i == 0 || src[i-1] == ' ' || src[i-1] == '\t'):
			for i < len(src) && src[i] != '\n' {
				i++
			}
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			continue
		}
		lastSig = i + 1
	}
	return 0, -1
}

// quoteEnd returns the offset of the quote closing the scalar that opens at
// src[i]: single-quoted with a doubled quote as escape, or double-quoted
// with backslash escapes.
func quoteEnd(src []byte, i int) int {
	q := src[i]
	for j := i + 1; j < len(src); j++ {
		switch {
		case q == '"' && src[j] == '\\':
			j++
		case src[j] == q && q == '\'' && j+1 < len(src) && src[j+1] == '\'':
			j++
		case src[j] == q:
			return j
		}
	}
	return len(src) - 1
}

var blockItemPrefix = regexp.MustCompile(`^ *- +$`)

// SeqItemPrefix returns the text before item on its line ("    - ") when
// item is a one-line entry of a block sequence.
func (t *Text) SeqItemPrefix(item *yaml.Node) (string, bool) {
	if item.Kind != yaml.ScalarNode || item.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return "", false
	}
	line := t.Line(item.Line)
	prefix := string([]rune(line)[:min(item.Column-1, utf8.RuneCountInString(line))])
	return prefix, blockItemPrefix.MatchString(prefix)
}

// PlainScalar renders s as a YAML scalar on one line: plain where YAML reads
// it back as the same string, double-quoted otherwise.
func PlainScalar(s string) string {
	b, err := yaml.Marshal(s)
	out := strings.TrimSuffix(string(b), "\n")
	if err != nil || strings.ContainsAny(out, "\n") || strings.HasPrefix(out, "|") || strings.HasPrefix(out, ">") {
		return strconv.Quote(s)
	}
	return out
}

// SameTree reports whether two YAML trees hold the same data: kinds, tags,
// values, anchors and order, ignoring positions, styles and comments.
func SameTree(a, b *yaml.Node) bool {
	if a.Kind != b.Kind || a.ShortTag() != b.ShortTag() || a.Anchor != b.Anchor || len(a.Content) != len(b.Content) {
		return false
	}
	if (a.Kind == yaml.ScalarNode || a.Kind == yaml.AliasNode) && a.Value != b.Value {
		return false
	}
	for i := range a.Content {
		if !SameTree(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}

// SetNull gives a null value (nothing after "key:", or ~ / null) the text
// value instead.
func (t *Text) SetNull(n *yaml.Node, value string) (Edit, bool) {
	at := t.Offset(n.Line, n.Column)
	if n.Value == "" {
		before := strings.TrimRight(string(t.src[t.start[n.Line-1]:at]), " ")
		if !strings.HasSuffix(before, ":") {
			return Edit{}, false
		}
		if at > 0 && t.src[at-1] == ':' {
			value = " " + value
		}
		return Edit{at: at, end: at, text: value}, true
	}
	end := at + len(n.Value)
	if end > len(t.src) || string(t.src[at:end]) != n.Value {
		return Edit{}, false
	}
	return Edit{at: at, end: end, text: value}, true
}

// SetScalar replaces the value of the one-line scalar n with value, keeping
// its quotes: mode: "PERMISSIVE" becomes mode: "STRICT". value must read
// the same plain and inside quotes (callers check by parsing the result).
// ok is false when n's text is not where the Node says.
func (t *Text) SetScalar(n *yaml.Node, value string) (Edit, bool) {
	if n.Kind != yaml.ScalarNode || n.Line < 1 || n.Line > t.Lines() {
		return Edit{}, false
	}
	at := t.Offset(n.Line, n.Column)
	switch {
	case n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
		end := quoteEnd(t.src, at)
		if end <= at || strings.ContainsAny(string(t.src[at:end]), "\r\n") {
			return Edit{}, false
		}
		return Edit{at: at + 1, end: end, text: value}, true
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return Edit{}, false
	}
	end := at + len(n.Value)
	if end > len(t.src) || string(t.src[at:end]) != n.Value {
		return Edit{}, false
	}
	return Edit{at: at, end: end, text: value}, true
}

// KeyIndex returns the index of key in mapping m's Content, or -1.
func KeyIndex(m *yaml.Node, key string) int {
	if m == nil || m.Kind != yaml.MappingNode {
		return -1
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i
		}
	}
	return -1
}

// Value returns the value of key in mapping m, or nil (also when m is nil
// or not a mapping).
func Value(m *yaml.Node, key string) *yaml.Node {
	if i := KeyIndex(m, key); i >= 0 {
		return m.Content[i+1]
	}
	return nil
}
