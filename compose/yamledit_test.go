package compose

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hms-platform/hmsdev/internal/workspace"
)

// handWritten is an hmsdev.yaml as a person writes it: 4-space indentation,
// blank lines and comments between services, quoting, flow and block calls,
// a service without calls, a commented-out service, and a top-level key
// after services.
const handWritten = `# my platform
project: "hms"   # quoted on purpose

services:

    # the front door
    hms-auth-bff:
        demo: true
        port: 8080
        calls: [ hms-onboarding-workflow ]   # flow, with spaces
        route: '/api/auth'

    hms-onboarding-workflow:
        demo: true
        port: 8081
        calls:
            - hms-ledger    # block
        depends_on: [kafka]

    hms-ledger:
        demo: true
        port: 8083
        # no calls yet

    # hms-old:
    #     demo: true

# infrastructure comes last in this file
infra:
    kafka:
        enabled: true
`

// lineDiff returns the lines only in a and the lines only in b, by longest
// common subsequence.
func lineDiff(a, b string) (removed, added []string) {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			i, j = i+1, j+1
		case j < len(y) && (i == len(x) || lcs[i][j+1] >= lcs[i+1][j]):
			added, j = append(added, y[j]), j+1
		default:
			removed, i = append(removed, x[i]), i+1
		}
	}
	return removed, added
}

func TestAddServiceChangesOnlyWhatItAdds(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, workspace.FileName)
	os.WriteFile(path, []byte(handWritten), 0o644)
	ws, err := workspace.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = AddService(ws, AddServiceOptions{
		Name: "hms-payments", Port: 8082, Image: "registry.example.com/hms/payments:1.0", Route: "/api/payments",
		Calls: []string{"hms-ledger"}, CalledBy: []string{"hms-auth-bff", "hms-onboarding-workflow", "hms-ledger"},
	})
	if err != nil {
		t.Fatal(err)
	}
	after := read(t, path)
	removed, added := lineDiff(handWritten, after)
	wantRemoved := []string{"        calls: [ hms-onboarding-workflow ]   # flow, with spaces"}
	wantAdded := []string{
		"        calls: [ hms-onboarding-workflow, hms-payments ]   # flow, with spaces",
		"            - hms-payments",
		"        calls: [hms-payments]",
		"",
		"    hms-payments:",
		"        image: registry.example.com/hms/payments:1.0",
		"        port: 8082",
		"        calls: [hms-ledger]",
		"        route: /api/payments",
	}
	slices.Sort(added) // a blank line's place in the diff is ambiguous
	slices.Sort(wantAdded)
	if !slices.Equal(removed, wantRemoved) || !slices.Equal(added, wantAdded) {
		t.Errorf("diff of hmsdev.yaml:\n-%s\n+%s\nfile now:\n%s", strings.Join(removed, "\n-"), strings.Join(added, "\n+"), after)
	}
	// The new lines sit where a person would put them.
	for _, s := range []string{
		"            - hms-ledger    # block\n            - hms-payments\n",
		"        # no calls yet\n        calls: [hms-payments]\n",
		"    #     demo: true\n\n    hms-payments:\n",
		"        route: /api/payments\n\n# infrastructure comes last",
	} {
		if !strings.Contains(after, s) {
			t.Errorf("hmsdev.yaml lacks %q:\n%s", s, after)
		}
	}
	next, err := workspace.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, caller := range []string{"hms-auth-bff", "hms-onboarding-workflow", "hms-ledger"} {
		if calls := next.Service(caller).Calls; calls[len(calls)-1] != "hms-payments" {
			t.Errorf("%s calls %v", caller, calls)
		}
	}
}

func TestEditConfigShapes(t *testing.T) {
	o := AddServiceOptions{Name: "new", Port: 9000, Protocol: "http"}
	entry := "  new:\n    demo: true\n    port: 9000\n"
	for name, tc := range map[string]struct {
		calledBy  []string
		src, want string
	}{
		"no services key": {nil,
			"project: x\n",
			"project: x\nservices:\n" + entry},
		"no trailing newline": {nil,
			"services:\n  a: {demo: true, port: 1}",
			"services:\n  a: {demo: true, port: 1}\n" + entry},
		"empty services": {nil,
			"services:   # none yet\nproject: x\n",
			"services:   # none yet\n" + entry + "project: x\n"},
		"CRLF": {[]string{"a"},
			"services:\r\n  a:\r\n    demo: true\r\n    port: 1\r\n",
			"services:\r\n  a:\r\n    demo: true\r\n    port: 1\r\n    calls: [new]\r\n" + strings.ReplaceAll(entry, "\n", "\r\n")},
		"flow mapping service": {[]string{"a"},
			"services:\n  a: {demo: true, port: 1}\n",
			"services:\n  a: {demo: true, port: 1, calls: [new]}\n" + entry},
		"empty calls": {[]string{"a"},
			"services:\n  a:\n    calls:  # later\n    demo: true\n    port: 1\n",
			"services:\n  a:\n    calls: [new]  # later\n    demo: true\n    port: 1\n" + entry},
		"null calls": {[]string{"a"},
			"services:\n  a:\n    calls: ~\n    demo: true\n    port: 1\n",
			"services:\n  a:\n    calls: [new]\n    demo: true\n    port: 1\n" + entry},
		"empty flow calls": {[]string{"a"},
			"services:\n  a:\n    calls: []\n    demo: true\n    port: 1\n",
			"services:\n  a:\n    calls: [new]\n    demo: true\n    port: 1\n" + entry},
		"multi-line flow calls with a trailing comma": {[]string{"a"},
			"services:\n  a:\n    calls: [\n      b, # x]\n    ]\n    demo: true\n    port: 1\n  b: {demo: true, port: 2}\n",
			"services:\n  a:\n    calls: [\n      b, new # x]\n    ]\n    demo: true\n    port: 1\n  b: {demo: true, port: 2}\n" + entry},
		"quoted flow calls": {[]string{"a"},
			"services:\n  a:\n    calls: [\"b\"]\n    demo: true\n    port: 1\n  b: {demo: true, port: 2}\n",
			"services:\n  a:\n    calls: [\"b\", new]\n    demo: true\n    port: 1\n  b: {demo: true, port: 2}\n" + entry},
		"caller is the last service, before top-level comments": {[]string{"a"},
			"services:\n  a:\n    demo: true\n    port: 1\n\n# the end\n",
			"services:\n  a:\n    demo: true\n    port: 1\n    calls: [new]\n" + entry + "\n# the end\n"},
	} {
		got, err := editConfig([]byte(tc.src), withCalledBy(o, tc.calledBy))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if string(got) != tc.want {
			t.Errorf("%s:\n%s\nwant:\n%s", name, got, tc.want)
		}
	}
}

func withCalledBy(o AddServiceOptions, callers []string) AddServiceOptions {
	o.CalledBy = callers
	return o
}

// TestEditConfigRefusesRatherThanRewrite: where inserting text would change
// what the file says, add-service names the problem and gives the entry.
func TestEditConfigRefusesRatherThanRewrite(t *testing.T) {
	o := AddServiceOptions{Name: "new", Port: 9000, Protocol: "http"}
	for name, src := range map[string]string{
		"flow services": "services: {a: {demo: true, port: 1}}\n",
		// A kept block scalar owns the trailing blank line the new entry would go after.
		"kept trailing blank lines": "services:\n  a:\n    demo: true\n    port: 1\n    env:\n      NOTE: |+\n        text\n\n",
	} {
		_, err := editConfig([]byte(src), o)
		if err == nil || !strings.Contains(err.Error(), "nothing was changed") || !strings.Contains(err.Error(), "add it by hand") ||
			!strings.Contains(err.Error(), "  new:\n    demo: true\n    port: 9000") {
			t.Errorf("%s: got %v", name, err)
		}
	}
}
