package proc

import (
	"context"
	"fmt"
	"syscall"
	"time"
)

// Run starts c in its own process group (Setpgid is forced, so the whole
// group can be stopped) and waits for it to end. When ctx is cancelled first,
// the group gets SIGTERM, then SIGKILL after c.KillGrace (DefaultKillGrace
// when 0); Run then returns the exit together with ctx's cause. When c cannot
// start, Run returns ExitForStartError's 127/126 and the *StartError.
//
//	e, err := r.Run(ctx, proc.Cmd{Path: "/bin/false"})
//	// e.Code == 1, err == nil: a non-zero exit is a result, not an error
func (r *Reaper) Run(ctx context.Context, c Cmd) (Exit, error) {
	c.Setpgid = true
	sink := make(chan Exit, 1)
	pid, err := r.Spawn(c, sink)
	if err != nil {
		return ExitForStartError(err), err
	}
	select {
	case e := <-sink:
		return e, nil
	case <-ctx.Done():
	}
	grace := c.KillGrace
	if grace <= 0 {
		grace = DefaultKillGrace
	}
	// Errors are ignored on purpose: ESRCH means the group is already gone,
	// and the exit below arrives either way.
	_ = r.SignalGroup(pid, syscall.SIGTERM)
	timer := time.NewTimer(grace)
	defer timer.Stop()
	var e Exit
	select {
	case e = <-sink:
	case <-timer.C:
		_ = r.SignalGroup(pid, syscall.SIGKILL)
		e = <-sink
	}
	return e, fmt.Errorf("cannot finish %s (pid %d, %s): %w", c.Path, pid, e, context.Cause(ctx))
}
