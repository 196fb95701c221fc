package compose

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"
)

// yamlText is a YAML file's bytes, indexed by line so that a yaml.Node's
// position (1-based line, 1-based column counted in characters) becomes a
// byte offset. Edits are computed on the Node tree and spliced into these
// bytes, so everything the user wrote stays as it was.
type yamlText struct {
	src   []byte
	start []int  // start[i] is the offset of line i+1
	nl    string // the file's line ending: "\n" or "\r\n"
}

func newYAMLText(src []byte) *yamlText {
	t := &yamlText{src: src, nl: "\n"}
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

// lines is the number of lines.
func (t *yamlText) lines() int { return len(t.start) }

// line returns line n (1-based) without its line ending.
func (t *yamlText) line(n int) string {
	end := len(t.src)
	if n < len(t.start) {
		end = t.start[n]
	}
	return strings.TrimRight(string(t.src[t.start[n-1]:end]), "\r\n")
}

// offset converts a Node position to a byte offset.
func (t *yamlText) offset(line, col int) int {
	off := t.start[line-1]
	for i := 1; i < col && off < len(t.src); i++ {
		_, size := utf8.DecodeRune(t.src[off:])
		off += size
	}
	return off
}

// indentOf is the number of leading spaces of line n.
func (t *yamlText) indentOf(n int) int {
	l := t.line(n)
	return len(l) - len(strings.TrimLeft(l, " "))
}

func (t *yamlText) blank(n int) bool { return strings.TrimSpace(t.line(n)) == "" }

func (t *yamlText) comment(n int) bool {
	return strings.HasPrefix(strings.TrimSpace(t.line(n)), "#")
}

// lastLine returns the last line of a block mapping entry whose key sits at
// column keyCol on line first, where next is the line of whatever follows the
// entry (0: the end of the file). Trailing blank lines are left out, and so
// are trailing comments at or left of keyCol: they introduce what follows.
func (t *yamlText) lastLine(first, next, keyCol int) int {
	last := t.lines()
	if next > 0 {
		last = next - 1
	}
	for last > first && (t.blank(last) || t.comment(last) && t.indentOf(last) < keyCol) {
		last--
	}
	return last
}

// edit replaces src[at:end] with text; a pure insertion has end == at.
type edit struct {
	at, end int
	text    string
}

// insertAfter inserts whole lines (each ending in the file's line ending)
// after line n, ending line n first if it is the file's unterminated last line.
func (t *yamlText) insertAfter(n int, lines ...string) edit {
	text := strings.Join(lines, t.nl) + t.nl
	if n < t.lines() {
		return edit{at: t.start[n], end: t.start[n], text: text}
	}
	if !strings.HasSuffix(string(t.src), "\n") {
		text = t.nl + text
	}
	return edit{at: len(t.src), end: len(t.src), text: text}
}

// apply splices the edits into the source. Edits at the same offset keep
// their order.
func (t *yamlText) apply(edits []edit) []byte {
	sorted := slices.Clone(edits)
	slices.SortStableFunc(sorted, func(a, b edit) int { return a.at - b.at })
	var out []byte
	prev := 0
	for _, e := range sorted {
		out = append(out, t.src[prev:e.at]...)
		out = append(out, e.text...)
		prev = e.end
	}
	return append(out, t.src[prev:]...)
}

// flowAppend adds item as the last entry of the flow collection n ([...] or
// {...}): "[a]" becomes "[a, item]", "[]" becomes "[item]", and a trailing
// comma is kept. ok is false when n's text is not where the Node says.
func (t *yamlText) flowAppend(n *yaml.Node, item string) (e edit, ok bool) {
	open := t.offset(n.Line, n.Column)
	lastSig, closeAt := flowScan(t.src, open)
	if closeAt < 0 {
		return edit{}, false
	}
	switch t.src[lastSig-1] {
	case '[', '{':
		// empty: "[item]"
	case ',':
		item = " " + item
	default:
		item = ", " + item
	}
	return edit{at: lastSig, end: lastSig, text: item}, true
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

// seqItemPrefix returns the text before item on its line ("    - ") when
// item is a one-line entry of a block sequence.
func (t *yamlText) seqItemPrefix(item *yaml.Node) (string, bool) {
	if item.Kind != yaml.ScalarNode || item.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return "", false
	}
	line := t.line(item.Line)
	prefix := string([]rune(line)[:min(item.Column-1, utf8.RuneCountInString(line))])
	return prefix, blockItemPrefix.MatchString(prefix)
}

// plainScalar renders s as a YAML scalar on one line: plain where YAML reads
// it back as the same string, double-quoted otherwise.
func plainScalar(s string) string {
	b, err := yaml.Marshal(s)
	out := strings.TrimSuffix(string(b), "\n")
	if err != nil || strings.ContainsAny(out, "\n") || strings.HasPrefix(out, "|") || strings.HasPrefix(out, ">") {
		return strconv.Quote(s)
	}
	return out
}

// sameTree reports whether two YAML trees hold the same data: kinds, tags,
// values, anchors and order, ignoring positions, styles and comments.
func sameTree(a, b *yaml.Node) bool {
	if a.Kind != b.Kind || a.ShortTag() != b.ShortTag() || a.Anchor != b.Anchor || len(a.Content) != len(b.Content) {
		return false
	}
	if (a.Kind == yaml.ScalarNode || a.Kind == yaml.AliasNode) && a.Value != b.Value {
		return false
	}
	for i := range a.Content {
		if !sameTree(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}

// setNull gives a null value (nothing after "key:", or ~ / null) the text
// value instead.
func (t *yamlText) setNull(n *yaml.Node, value string) (edit, bool) {
	at := t.offset(n.Line, n.Column)
	if n.Value == "" {
		before := strings.TrimRight(string(t.src[t.start[n.Line-1]:at]), " ")
		if !strings.HasSuffix(before, ":") {
			return edit{}, false
		}
		if at > 0 && t.src[at-1] == ':' {
			value = " " + value
		}
		return edit{at: at, end: at, text: value}, true
	}
	end := at + len(n.Value)
	if end > len(t.src) || string(t.src[at:end]) != n.Value {
		return edit{}, false
	}
	return edit{at: at, end: end, text: value}, true
}
