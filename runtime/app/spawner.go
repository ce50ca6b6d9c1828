package app

import (
	"fmt"
	"os"

	"appstart/runtime/logfwd"
	"appstart/runtime/proc"
	"appstart/runtime/resolve"
	"appstart/runtime/supervise"
	"appstart/runtime/sysx"
)

// spawner starts programs through the reaper and hands each exit to the
// supervisor, so the reaper stays the only waiter (DESIGN.md).
type spawner struct {
	// launches are the resolved programs by name: how each is made, which
	// the supervisor never looks at.
	launches map[string]resolve.Launch
	reaper   *proc.Reaper
	sink     *logfwd.Sink
	exits    chan proc.Exit
	stdout   *os.File
	stderr   *os.File
	// resetOOM: appstart lowered its own oom_score_adj, which children
	// inherit; each program gets 0 back (raising needs no privilege).
	resetOOM bool
}

func (s *spawner) Spawn(p *supervise.Program) (int, error) {
	pid, err := s.spawn(p)
	if err == nil && s.resetOOM {
		// The program may run a moment at -999 before this lands; it is
		// still starting, so it has allocated nothing worth protecting.
		_ = sysx.WriteOOMScoreAdj(pid, 0)
	}
	return pid, err
}

func (s *spawner) spawn(p *supervise.Program) (int, error) {
	l, ok := s.launches[p.Name]
	if !ok {
		return 0, fmt.Errorf("cannot start %s: no such program was resolved", p.Name)
	}
	// The marker lets the supervisor find what the program leaves outside
	// its process group when it stops (supervise.MarkerEnv).
	c := proc.Cmd{Path: l.Path, Args: l.Argv, Env: supervise.MarkEnv(l.Env, p.Marker), Dir: l.Dir, Setpgid: true, NoNewPrivs: l.NoNewPrivs}
	if !l.KeepIdentity {
		c.Cred = &proc.Cred{Uid: l.User.Uid, Gid: l.User.Gid, Groups: l.User.Groups}
	}
	if l.LogLabel == "" {
		c.Stdout, c.Stderr = s.stdout, s.stderr
		return s.reaper.Spawn(c, s.exits)
	}
	out, _, err := s.sink.Pipe(p.Name, logfwd.FormatPrefix(logfwd.DefaultFormat, l.LogLabel))
	if err != nil {
		return 0, fmt.Errorf("cannot make log pipe for %s: %w", p.Name, err)
	}
	// One pipe carries both streams so a program's lines keep their order.
	c.Stdout, c.Stderr = out, out
	pid, err := s.reaper.Spawn(c, s.exits)
	out.Close()
	return pid, err
}

// forward passes every exit the reaper delivers to the supervisor.
func (s *spawner) forward(sup *supervise.Supervisor, done <-chan struct{}) {
	for {
		select {
		case e := <-s.exits:
			sup.Exited(e.Pid, e.Code, e.Signal)
		case <-done:
			return
		}
	}
}
