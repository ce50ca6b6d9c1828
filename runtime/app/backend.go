package app

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
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

func (b backend) Start(ctx context.Context, names []string) error {
	names, err := b.expandAll(ctx, names)
	if err != nil {
		return err
	}
	return b.sup.Start(ctx, names...)
}

func (b backend) Stop(ctx context.Context, names []string) error {
	names, err := b.expandAll(ctx, names)
	if err != nil {
		return err
	}
	return b.sup.Stop(ctx, names...)
}

func (b backend) Restart(ctx context.Context, names []string) error {
	names, err := b.expandAll(ctx, names)
	if err != nil {
		return err
	}
	return b.sup.Restart(ctx, names...)
}

func (b backend) Signal(ctx context.Context, names []string, sig syscall.Signal) error {
	names, err := b.expandAll(ctx, names)
	if err != nil {
		return err
	}
	return b.sup.SignalProgram(ctx, sig, names...)
}

// expandAll replaces supervisorctl's "all" by every program (its group
// for instances), unless a program is called "all".
func (b backend) expandAll(ctx context.Context, names []string) ([]string, error) {
	if !slices.Contains(names, allName) {
		return names, nil
	}
	sts, err := b.sup.Status(ctx)
	if err != nil {
		return nil, err
	}
	var all []string
	for _, st := range sts {
		if st.Name == allName || st.Group == allName {
			return names, nil
		}
		top := st.Name
		if st.Group != "" {
			top = st.Group
		}
		if !slices.Contains(all, top) {
			all = append(all, top)
		}
	}
	out := slices.DeleteFunc(slices.Clone(names), func(n string) bool { return n == allName })
	return append(out, all...), nil
}

// allName is supervisorctl's name for every program.
const allName = "all"

// selfName is the source of appstart's own messages in the log timeline.
const selfName = "appstart"

// sources are the log sources name selects: nil for every one ("" and
// "all"), appstart's own messages, or a program with its instances (a
// group); another name is an error, as `appstart logs nosuch` must fail.
func (b backend) sources(ctx context.Context, name string) ([]string, error) {
	switch name {
	case "", selfName:
		if name == "" {
			return nil, nil
		}
		return []string{selfName}, nil
	}
	sts, err := b.sup.Status(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, st := range sts {
		if st.Name == name || st.Group == name {
			out = append(out, st.Name)
			if st.Group != "" { // a group's logfiles are followed under its name
				out = append(out, st.Group)
			}
		}
	}
	if len(out) == 0 {
		if name == allName {
			return nil, nil
		}
		return nil, fmt.Errorf("no program %q", name)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// Logs returns the recent lines of q's programs, appstart's own messages
// included when q names none, as one timeline. A single program whose
// output passes straight through has no copy kept.
func (b backend) Logs(ctx context.Context, q control.LogQuery) ([]control.LogLine, error) {
	lines, _, err := b.logs(ctx, q)
	return lines, err
}

func (b backend) logs(ctx context.Context, q control.LogQuery) ([]control.LogLine, uint64, error) {
	srcs, err := b.sources(ctx, q.Name)
	if err != nil {
		return nil, 0, err
	}
	var last uint64
	var out []control.LogLine
	for _, l := range b.sink.Timeline(srcs, q.N, q.Since) {
		out = append(out, control.LogLine{Name: l.Name, Text: b.mask.Mask(l.Text), Time: l.Time})
		last = l.Seq
	}
	return out, last, nil
}

func (b backend) Follow(ctx context.Context, q control.LogQuery) ([]control.LogLine, <-chan control.LogLine, error) {
	srcs, err := b.sources(ctx, q.Name)
	if err != nil {
		return nil, nil, err
	}
	lines, cancel := b.sink.Subscribe("", 1024)
	// Subscribed first, then the backlog: a line written in between is in
	// both, and its sequence number drops the second copy.
	backlog, last, err := b.logs(ctx, q)
	if err != nil {
		cancel()
		return nil, nil, err
	}
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
				if l.Seq <= last || (srcs != nil && !slices.Contains(srcs, l.Name)) {
					continue
				}
				select {
				case live <- control.LogLine{Name: l.Name, Text: b.mask.Mask(l.Text), Time: l.Time}:
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
