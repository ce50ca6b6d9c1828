package app

import (
	"context"
	"fmt"
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
	return out, nil
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
