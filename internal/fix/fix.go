// Package fix carries user-facing errors: what went wrong, what to do about
// it, and the original error from Docker, Kuma or the OS underneath.
package fix

import "errors"

// Error is an error a user can act on.
type Error struct {
	What  string // what is wrong, and where (file:line, flag, service)
	Fix   string // what to do about it; may be empty when obvious
	Cause error  // the underlying error, shown beneath; may be nil
}

func (e *Error) Error() string {
	msg := e.What
	if e.Fix != "" {
		msg += "\n  fix: " + e.Fix
	}
	if e.Cause != nil {
		msg += "\n  cause: " + e.Cause.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Cause }

// New returns an Error with no underlying cause.
func New(what, fix string) *Error { return &Error{What: what, Fix: fix} }

// Wrap returns an Error that keeps cause underneath.
func Wrap(cause error, what, fix string) *Error {
	return &Error{What: what, Fix: fix, Cause: cause}
}

// As returns the first *Error in err's chain.
func As(err error) (*Error, bool) {
	var fe *Error
	ok := errors.As(err, &fe)
	return fe, ok
}
