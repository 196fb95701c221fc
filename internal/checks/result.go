// Package checks is the logic of `hmsdev verify` (the seed notes'
// verification checklist, eight checks) and `hmsdev doctor` (their
// troubleshooting page, as diagnoses). Both read the running stack through
// small interfaces (ControlPlane, Engine, HTTP) so they are tested with fakes.
package checks

// Status is a check's outcome: PASS/FAIL/SKIP for verify, OK/PROBLEM for doctor.
type Status string

const (
	Pass    Status = "PASS"
	Fail    Status = "FAIL"
	Skip    Status = "SKIP" // could not be judged, and says why; not a failure
	OK      Status = "OK"
	Problem Status = "PROBLEM"
)

// Result is one check or diagnosis: what was looked at, what was seen and,
// when it failed, what to do.
type Result struct {
	ID       string   `json:"check"` // stable name for scripts, e.g. "dataplanes"
	Title    string   `json:"title"`
	Status   Status   `json:"status"`
	Evidence []string `json:"evidence"`
	Fix      string   `json:"fix,omitempty"`
}

// Failed reports whether the result counts against the stack.
func (r Result) Failed() bool { return r.Status == Fail || r.Status == Problem }

// AnyFailed reports whether any result failed.
func AnyFailed(rs []Result) bool {
	for _, r := range rs {
		if r.Failed() {
			return true
		}
	}
	return false
}

// result builds a Result; ok picks the passing or failing status of kind.
func result(id, title string, ok bool, pass, fail Status, fix string, evidence ...string) Result {
	r := Result{ID: id, Title: title, Status: pass, Evidence: evidence}
	if !ok {
		r.Status, r.Fix = fail, fix
	}
	if r.Evidence == nil {
		r.Evidence = []string{}
	}
	return r
}
