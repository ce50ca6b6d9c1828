package app

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"appstart/runtime/control"
	"appstart/runtime/environ"
	"appstart/runtime/logfwd"
	"appstart/runtime/supervise"
)

// backend serves the control socket from the supervisor and the log sink.
type backend struct {
	sup  *supervise.Supervisor
	sink *logfwd.Sink
	mask *environ.Masker
	// orphans counts the orphans the reaper has reaped (Reaper.Orphans);
	// nil reports 0.
	orphans func() uint64
}

func (b backend) Status(ctx context.Context) ([]control.ProgramStatus, error) {
	sts, err := b.sup.Status(ctx)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	out := make([]control.ProgramStatus, len(sts))
	for i, st := range sts {
		ps := control.ProgramStatus{Name: st.Name, Group: st.Group, State: st.State.String(), Pid: st.Pid,
			Since: st.Since, Restarts: max(st.Starts-1, 0), Ready: st.Ready, Health: st.Health.String(), OK: st.OK()}
		if !st.Since.IsZero() {
			ps.UptimeSeconds = int64(now.Sub(st.Since) / time.Second)
		}
		if st.Ended {
			ps.LastExit = exitText(st.LastCode)
		}
		out[i] = ps
	}
	if len(out) > 0 {
		self := b.self()
		out[0].Self = &self
	}
	return out, nil
}

// self reads appstart's own process facts for `status --json`, so a fault
// test can compare descriptors and goroutines with a baseline (issue 9).
// The descriptor that lists /proc/self/fd is not counted; the control
// connection asking is, and is the same one for every status call.
func (b backend) self() control.SelfStatus {
	s := control.SelfStatus{Pid: os.Getpid(), Goroutines: runtime.NumGoroutine()}
	if fds, err := os.ReadDir("/proc/self/fd"); err == nil {
		s.FDs = len(fds) - 1
	}
	s.Threads, s.VmRSSKiB = procCounts("/proc/self/status")
	if b.orphans != nil {
		s.OrphansReaped = b.orphans()
	}
	return s
}

// procCounts returns the Threads and VmRSS (KiB) lines of a proc(5)
// status file ("Threads:  7", "VmRSS:  5120 kB"); 0 for what is missing.
func procCounts(path string) (threads int, rssKiB int64) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		k, v, _ := strings.Cut(line, ":")
		v = strings.TrimSuffix(strings.TrimSpace(v), " kB")
		switch k {
		case "Threads":
			threads, _ = strconv.Atoi(v)
		case "VmRSS":
			rssKiB, _ = strconv.ParseInt(v, 10, 64)
		}
	}
	return threads, rssKiB
}
func exitText(code int) string {
	if code > 128 && code < 128+65 {
		return fmt.Sprintf("killed by %s", sigName(syscall.Signal(code-128)))
	}
	return fmt.Sprintf("exited %d", code)
}

func (b backend) Start(ctx context.Context, names []string) error { return b.sup.Start(ctx, names...) }
func (b backend) Stop(ctx context.Context, names []string) error  { return b.sup.Stop(ctx, names...) }
func (b backend) Restart(ctx context.Context, names []string) error {
	return b.sup.Restart(ctx, names...)
}

func (b backend) Signal(ctx context.Context, names []string, sig syscall.Signal) error {
	return b.sup.SignalProgram(ctx, sig, names...)
}

// Logs returns the recent lines of one program, or of every program ("").
// A single program whose output passes straight through has no copy kept.
func (b backend) Logs(_ context.Context, name string, n int) ([]control.LogLine, error) {
	names := []string{name}
	if name == "" {
		names = b.sink.Names()
	}
	var out []control.LogLine
	for _, nm := range names {
		for _, l := range b.sink.Recent(nm, n) {
			out = append(out, control.LogLine{Name: l.Name, Text: b.mask.Mask(l.Text)})
		}
	}
	return out, nil
}

func (b backend) Follow(ctx context.Context, name string, n int) ([]control.LogLine, <-chan control.LogLine, error) {
	lines, cancel := b.sink.Subscribe(name, 1024)
	backlog, _ := b.Logs(ctx, name, n)
	live := make(chan control.LogLine, 64)
	go func() {
		defer close(live)
		defer cancel()
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					return
				}
				select {
				case live <- control.LogLine{Name: l.Name, Text: b.mask.Mask(l.Text)}:
				case <-ctx.Done():
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	return backlog, live, nil
}
