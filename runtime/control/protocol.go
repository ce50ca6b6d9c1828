package control

import "time"

// ProtocolVersion is the "v" of every message. A server answers a request
// of another version with an error naming both, so an old client talking
// to a new appstart (or the reverse) says so instead of misbehaving.
const ProtocolVersion = 1

// MaxRequest bounds a request line, newline included: a client cannot make
// the server buffer without end.
const MaxRequest = 64 << 10

// MaxLogLines bounds the n of a logs request.
const MaxLogLines = 100_000

// Operations.
const (
	OpStatus  = "status"
	OpStart   = "start"
	OpStop    = "stop"
	OpRestart = "restart"
	OpSignal  = "signal"
	OpLogs    = "logs"
)

// request is the one line a client sends.
type request struct {
	V      int      `json:"v"`
	Op     string   `json:"op"`
	Names  []string `json:"names,omitempty"`
	Signal int      `json:"signal,omitempty"`
	N      int      `json:"n,omitempty"`
	Follow bool     `json:"follow,omitempty"`
	// Since (logs): only lines written at or after it.
	Since time.Time `json:"since,omitzero"`
}

// response is one line the server sends; the last one of an exchange has
// Done or Error set.
type response struct {
	V        int             `json:"v"`
	Error    *Error          `json:"error,omitempty"`
	Programs []ProgramStatus `json:"programs,omitempty"`
	Lines    []LogLine       `json:"lines,omitempty"`
	Done     bool            `json:"done,omitempty"`
}

func (r *response) final() bool { return r.Done || r.Error != nil }

// backlogBatch bounds the lines per response, so one message stays a
// reasonable size whatever the ring holds.
const backlogBatch = 512

// validate checks what the server can check without the Backend.
func (r *request) validate() *Error {
	if r.V != ProtocolVersion {
		return errorf(CodeVersion, "unsupported control protocol version %d (this appstart speaks %d)", r.V, ProtocolVersion)
	}
	switch r.Op {
	case OpStatus:
	case OpStart, OpStop, OpRestart:
		if len(r.Names) == 0 {
			return errorf(CodeBadRequest, "%s needs at least one program name", r.Op)
		}
	case OpSignal:
		if len(r.Names) == 0 {
			return errorf(CodeBadRequest, "signal needs at least one program name")
		}
		if r.Signal <= 0 || r.Signal > 64 {
			return errorf(CodeBadRequest, "signal %d is not a signal number (1-64)", r.Signal)
		}
	case OpLogs:
		if len(r.Names) > 1 {
			return errorf(CodeBadRequest, "logs takes at most one program name, not %d", len(r.Names))
		}
		if r.N < 0 || r.N > MaxLogLines {
			return errorf(CodeBadRequest, "logs -n %d is out of range (0-%d)", r.N, MaxLogLines)
		}
	case "":
		return errorf(CodeBadRequest, "request has no op")
	default:
		return errorf(CodeBadRequest, "unknown op %q", r.Op)
	}
	for _, n := range r.Names {
		if n == "" {
			return errorf(CodeBadRequest, "empty program name")
		}
	}
	return nil
}
