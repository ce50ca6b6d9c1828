package control

import (
	"context"
	"syscall"
	"time"
)

// Default locations, under /run: the one writable place that is private to
// the container and emptied by every restart.
const (
	DefaultDir    = "/run/appstart"
	DefaultSocket = "/run/appstart/control.sock"
)

// Backend is what the server drives: the app implements it over the
// supervisor and the log sink. Every method must return promptly once ctx
// ends (the server cancels it on Close and when a client hangs up).
//
// A name is a program ("web"), an instance ("web:2") or a group ("web"),
// exactly as the supervisor resolves it; an unknown name is an error whose
// message the client prints verbatim, so it must not contain secrets.
type Backend interface {
	// Status returns every program, in spec order.
	Status(ctx context.Context) ([]ProgramStatus, error)
	Start(ctx context.Context, names []string) error
	Stop(ctx context.Context, names []string) error
	Restart(ctx context.Context, names []string) error
	// Signal sends sig to the process group of each named program.
	Signal(ctx context.Context, names []string, sig syscall.Signal) error
	// Logs returns up to the last q.N kept lines of program q.Name
	// written at or after q.Since, oldest first; name "" means every
	// program and appstart's own messages, as one timeline in the order
	// they were written.
	Logs(ctx context.Context, q LogQuery) ([]LogLine, error)
	// Follow is Logs followed by every later line, like `tail -n N -f`:
	// backlog and subscription must be taken atomically (no line lost or
	// repeated between them). The Backend sends later lines on live until
	// ctx ends or appstart stops, then closes live. It must never block
	// its writers on a slow follower: drop lines for it instead.
	Follow(ctx context.Context, q LogQuery) (backlog []LogLine, live <-chan LogLine, err error)
}

// LogQuery is what `appstart logs` asks for: the last N lines of Name (a
// program, an instance, a group, or "" for all) written at or after Since
// (zero: any time).
type LogQuery struct {
	Name  string
	N     int
	Since time.Time
}

// ProgramStatus is one program as `appstart status` shows it. The fields
// are plain values so that this package needs no supervisor types: the app
// fills them from supervise.Status.
//
//	{Name: "web:1", Group: "web", State: "running", Pid: 42, Since: t0,
//	 UptimeSeconds: 3725, Restarts: 2, LastExit: "exit 1", Ready: true,
//	 Health: "healthy", OK: true}
type ProgramStatus struct {
	Name  string `json:"name"`
	Group string `json:"group,omitempty"`
	// State is the supervisor's state name: stopped, waiting, starting,
	// running, backoff, stopping, exited, fatal.
	State string    `json:"state"`
	Pid   int       `json:"pid"`            // 0 when there is no process
	Since time.Time `json:"since,omitzero"` // when State was entered
	// UptimeSeconds is how long the program has been in State, in whole
	// seconds (JSON-friendly for scripts; FormatStatus shows it for running
	// programs only).
	UptimeSeconds int64  `json:"uptime_seconds"`
	Restarts      int    `json:"restarts"`            // processes started after the first
	LastExit      string `json:"last_exit,omitempty"` // "exit 1", "signal 9 (killed)"; "" before any
	Ready         bool   `json:"ready"`
	// Health is the healthcheck state: "" or "none" without a check, else
	// starting, healthy or unhealthy.
	Health string `json:"health,omitempty"`
	// OK is the app's verdict for `appstart health` (supervise.Status.OK):
	// running, ready and healthy, or a one-shot that is done, or not meant
	// to run.
	OK bool `json:"ok"`
	// Self is appstart's own process facts, carried by the first program
	// of a status answer only (nil elsewhere) so that the wire protocol
	// stays the same; FormatStatusJSON lifts it to the top-level "self".
	Self *SelfStatus `json:"self,omitempty"`
}

// SelfStatus is appstart's own process, as `appstart status --json` shows
// it under "self": what a fault test compares with a baseline to prove
// that no descriptor or goroutine leaked (issue 9).
//
//	{"pid": 1, "goroutines": 14, "fds": 11, "threads": 7, "vm_rss_kib": 5120, "orphans_reaped": 500}
type SelfStatus struct {
	Pid        int `json:"pid"`
	Goroutines int `json:"goroutines"` // runtime.NumGoroutine
	// FDs is the number of open descriptors (/proc/self/fd), without the
	// one used to list them; the connection asking is one of them.
	FDs int `json:"fds"`
	// Threads is the number of OS threads (Threads in /proc/self/status):
	// under a pids limit, a thread the Go runtime cannot create is fatal.
	Threads int `json:"threads"`
	// VmRSSKiB is VmRSS from /proc/self/status; 0 when unreadable.
	VmRSSKiB int64 `json:"vm_rss_kib"`
	// OrphansReaped counts exits of processes appstart did not start
	// (re-parented to it) since it began.
	OrphansReaped uint64 `json:"orphans_reaped"`
}

// LogLine is one line a program wrote, without its prefix or newline;
// Name "appstart" is appstart's own message. Time is when appstart read it.
type LogLine struct {
	Name string    `json:"name"`
	Text string    `json:"text"`
	Time time.Time `json:"time,omitzero"`
}
