package dialogs

import "fmt"

// ErrorKind is the one vocabulary of failure across Werkwijzer's seams: a
// few kinds that callers branch on with errors.Is, whatever component the
// error comes from. Each edge maps a kind to what its reader sees (a
// message key for a jobseeker, a Dutch line for staff); the raw error goes
// to the logs only.
type ErrorKind uint8

const (
	// ErrNotFound: what was asked for does not exist (any more).
	ErrNotFound ErrorKind = iota + 1
	// ErrConflict: it exists but is not in a state that allows this (taken,
	// already so, changed meanwhile).
	ErrConflict
	// ErrUnavailable: a service we need is down or refused for now; trying
	// again later may work.
	ErrUnavailable
	// ErrInvalid: the request itself is wrong and will never work.
	ErrInvalid
)

func (k ErrorKind) Error() string {
	switch k {
	case ErrNotFound:
		return "not found"
	case ErrConflict:
		return "conflict"
	case ErrUnavailable:
		return "unavailable"
	case ErrInvalid:
		return "invalid"
	}
	return "error"
}

// Error is a failure of a known kind, with what was being done.
type Error struct {
	Kind ErrorKind
	Op   string
	Err  error // the cause; nil when the kind says it all
}

func (e *Error) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("%s: %s", e.Op, e.Kind)
	}
	return fmt.Sprintf("%s: %s: %v", e.Op, e.Kind, e.Err)
}

// Unwrap makes errors.Is match the kind as well as the cause.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// E makes an error of kind for op, wrapping err (which may be nil).
func E(kind ErrorKind, op string, err error) error { return &Error{Kind: kind, Op: op, Err: err} }
