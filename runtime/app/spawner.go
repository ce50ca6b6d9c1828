package app

import (
	"fmt"
	"os"

	"appstart/runtime/logfwd"
	"appstart/runtime/proc"
	"appstart/runtime/supervise"
	"appstart/runtime/sysx"
)

// launch is what a supervise.Program carries in Cred: everything the spawner
// needs that the supervisor never looks at.
type launch struct {
	cred   *proc.Cred
	prefix string // "" with one program: its stdio is appstart's own
	// noNewPrivs is the program's no_new_privs key (prctl(2)
	// PR_SET_NO_NEW_PRIVS, set in the child before exec).
	noNewPrivs bool
}

// spawner starts programs through the reaper and hands each exit to the
// supervisor, so the reaper stays the only waiter (DESIGN.md).
type spawner struct {
	reaper *proc.Reaper
	sink   *logfwd.Sink
	exits  chan proc.Exit
	stdout *os.File
	stderr *os.File
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
	l, _ := p.Cred.(launch)
	c := proc.Cmd{Path: p.Argv[0], Args: p.Argv, Env: p.Env, Dir: p.Dir, Cred: l.cred, Setpgid: true, NoNewPrivs: l.noNewPrivs}
	if l.prefix == "" {
		c.Stdout, c.Stderr = s.stdout, s.stderr
		return s.reaper.Spawn(c, s.exits)
	}
	out, _, err := s.sink.Pipe(p.Name, l.prefix)
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
