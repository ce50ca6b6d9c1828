package control

import (
	"errors"
	"fmt"
)

var (
	// ErrNotRunning: no appstart answers on the socket.
	ErrNotRunning = errors.New("appstart is not running")
	// ErrPermission: the caller is not root. The file mode refuses it at
	// connect(2); the server's SO_PEERCRED check refuses it otherwise.
	ErrPermission = errors.New("permission denied: the control socket is root's (run as root)")
	// ErrBusy: the server already serves its maximum of connections.
	ErrBusy = errors.New("appstart is busy: too many control connections")
)

// Error codes on the wire.
const (
	CodePermission = "permission"
	CodeBusy       = "busy"
	CodeBadRequest = "bad-request"
	CodeVersion    = "version"
	CodeFailed     = "failed" // the Backend returned an error
)

// Error is a failure the server reported. Message is printed as is;
// errors.Is matches ErrPermission and ErrBusy by Code.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func errorf(code, format string, a ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, a...)}
}

func (e *Error) Error() string { return e.Message }

// Unwrap maps the codes that have a sentinel.
func (e *Error) Unwrap() error {
	switch e.Code {
	case CodePermission:
		return ErrPermission
	case CodeBusy:
		return ErrBusy
	}
	return nil
}

// RunningError is returned by Listen when a live appstart already answers
// on the socket.
type RunningError struct {
	Path string
	Pid  int // 0 when the peer could not be identified
}

func (e *RunningError) Error() string {
	if e.Pid == 0 {
		return fmt.Sprintf("another appstart is running (it answers on %s)", e.Path)
	}
	return fmt.Sprintf("another appstart is running: pid %d (it answers on %s)", e.Pid, e.Path)
}

// HeldError is returned by Lock when another process holds the run lock.
type HeldError struct {
	Path string
	Pid  int // 0 when the holder had not yet written its pid
}

func (e *HeldError) Error() string {
	if e.Pid == 0 {
		return fmt.Sprintf("another appstart is running this spec: it holds %s", e.Path)
	}
	return fmt.Sprintf("another appstart is running this spec: pid %d holds %s", e.Pid, e.Path)
}
