package app

import (
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"appstart/runtime/logfwd"
	"appstart/runtime/proc"
	"appstart/runtime/resolve"
	"appstart/runtime/supervise"
	"appstart/runtime/sysx"
)

// spawner starts programs through the reaper and hands each exit to the
// supervisor, so the reaper stays the only waiter (ARCHITECTURE.md).
type spawner struct {
	// launches are the resolved programs by name: how each is made, which
	// the supervisor never looks at.
	launches map[string]resolve.Launch
	reaper   *proc.Reaper
	sink     *logfwd.Sink
	// sup is told of each program's exit, straight from the reaper.
	sup    *supervise.Supervisor
	stdout *os.File
	stderr *os.File
	// sockets are the programs' listening sockets, bound once (sockets.go).
	sockets *sockets
	// resetOOM: appstart lowered its own oom_score_adj, which children
	// inherit; each program gets 0 back (raising needs no privilege).
	resetOOM atomic.Bool

	mu sync.Mutex
	// outputs are closed once each program's last run's output is all in
	// the sink (its log pipe reached EOF), for its giving-up message.
	outputs map[string]<-chan struct{}
}

// lastOutput returns the last lines of program name's output, after
// waiting a little for its pipe to reach EOF: the exit that made it give up
// can arrive before the reader has forwarded its last lines.
func (s *spawner) lastOutput(name string) []string {
	s.mu.Lock()
	done := s.outputs[name]
	s.mu.Unlock()
	if done == nil {
		return nil
	}
	select {
	case <-done:
	case <-time.After(outputGrace): // a daemon it left holds the pipe
	}
	var out []string
	for _, l := range s.sink.Timeline([]string{name}, tailLines, time.Time{}) {
		out = append(out, l.Text)
	}
	return out
}

// tailLines is how many last lines a giving-up message shows (as many as a
// failed on_start's); outputGrace bounds the wait for them.
const (
	tailLines   = 20
	outputGrace = 200 * time.Millisecond
)

func (s *spawner) Spawn(p *supervise.Program) (int, error) {
	pid, err := s.spawn(p)
	if err == nil && s.resetOOM.Load() {
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
	group := p.Group
	if group == "" {
		group = p.Name
	}
	s.sockets.attach(group, &c)
	if l.LogLabel == "" {
		c.Stdout, c.Stderr = s.stdout, s.stderr
		return s.reaper.SpawnNotify(c, s.exited)
	}
	out, done, err := s.sink.Pipe(p.Name, logfwd.FormatPrefix(logfwd.DefaultFormat, l.LogLabel))
	if err != nil {
		return 0, fmt.Errorf("cannot make log pipe for %s: %w", p.Name, err)
	}
	s.mu.Lock()
	if s.outputs == nil {
		s.outputs = make(map[string]<-chan struct{})
	}
	s.outputs[p.Name] = done
	s.mu.Unlock()
	// One pipe carries both streams so a program's lines keep their order.
	c.Stdout, c.Stderr = out, out
	pid, err := s.reaper.SpawnNotify(c, s.exited)
	out.Close()
	return pid, err
}

// exited runs on the reaper's goroutine: Exited only queues the exit.
func (s *spawner) exited(e proc.Exit) { s.sup.Exited(e.Pid, e.Code, e.Signal) }
