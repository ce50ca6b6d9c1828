package supervise

import (
	"slices"
	"syscall"
	"testing"
	"time"
)

// terms returns the programs whose group got sig, in order.
func (h *harness) signalled(sig syscall.Signal) []int {
	var out []int
	for _, s := range h.sig.sent() {
		if s.sig == sig {
			out = append(out, s.pid)
		}
	}
	return out
}

func TestStopInReverseAfterOrder(t *testing.T) {
	t.Parallel()
	h := newHarness(t, []Program{program("db"), program("web", "db"), program("proxy", "web")})
	h.advance(time.Second)
	h.advance(time.Second)
	db, web, proxy := h.lastPid("db"), h.lastPid("web"), h.lastPid("proxy")
	h.signal(syscall.SIGTERM)
	if got := h.signalled(syscall.SIGTERM); !slices.Equal(got, []int{-proxy}) {
		t.Fatalf("first stop went to %v, want only proxy's group %d", got, -proxy)
	}
	h.exit(proxy, 0, 0)
	if got := h.signalled(syscall.SIGTERM); !slices.Equal(got, []int{-proxy, -web}) {
		t.Fatalf("after proxy: %v", got)
	}
	if !h.running() {
		t.Fatal("Run ended with db still running")
	}
	h.exit(web, 0, 0)
	h.exit(db, 143, syscall.SIGTERM)
	if got := h.signalled(syscall.SIGTERM); !slices.Equal(got, []int{-proxy, -web, -db}) {
		t.Fatalf("stop order %v", got)
	}
	if r := h.wait(); r.Code != 0 {
		t.Fatalf("result %+v, want 0 after SIGTERM", r)
	}
}

func TestIndependentProgramsStopTogether(t *testing.T) {
	t.Parallel()
	h := newHarness(t, []Program{program("a"), program("b")})
	h.signal(syscall.SIGTERM)
	if got := h.signalled(syscall.SIGTERM); len(got) != 2 {
		t.Fatalf("SIGTERM went to %v, want both groups at once", got)
	}
}

func TestStopSignalThenSIGKILLAfterStopWait(t *testing.T) {
	t.Parallel()
	web := program("web")
	web.StopSignal, web.StopWait = syscall.SIGQUIT, 3*time.Second
	h := newHarness(t, []Program{web})
	pid := h.lastPid("web")
	h.signal(syscall.SIGTERM)
	if got := h.sig.sent(); !slices.Equal(got, []sent{{-pid, syscall.SIGQUIT}}) {
		t.Fatalf("sent %v, want its stopsignal to its group", got)
	}
	h.advance(3*time.Second - time.Nanosecond)
	if len(h.signalled(syscall.SIGKILL)) != 0 {
		t.Fatal("SIGKILL before StopWait")
	}
	h.advance(time.Nanosecond)
	if got := h.signalled(syscall.SIGKILL); !slices.Equal(got, []int{-pid}) {
		t.Fatalf("SIGKILL went to %v, want the group %d", got, -pid)
	}
	if e := h.waitFor(EventKilled, "web"); e.String() != "web: killed after 3s (SIGKILL to group)" {
		t.Fatalf("message %q", e)
	}
	h.exit(pid, 137, syscall.SIGKILL)
	if r := h.wait(); r.Code != 0 {
		t.Fatalf("result %+v", r)
	}
}

func TestSecondSigtermNeitherAbortsNorHastensTheStop(t *testing.T) {
	t.Parallel()
	h := newHarness(t, []Program{program("db"), program("web", "db")})
	h.advance(time.Second)
	web := h.lastPid("web")
	h.signal(syscall.SIGTERM)
	h.advance(5 * time.Second)
	h.signal(syscall.SIGTERM)
	h.signal(syscall.SIGINT)
	if got := h.sig.sent(); !slices.Equal(got, []sent{{-web, syscall.SIGTERM}}) {
		t.Fatalf("second SIGTERM changed the stop: %v", got)
	}
	if e := h.waitFor(EventShutdownRepeated, ""); e.String() != "SIGTERM again while stopping: the stop goes on as planned" {
		t.Fatalf("message %q", e)
	}
	h.advance(5*time.Second - time.Nanosecond)
	if len(h.signalled(syscall.SIGKILL)) != 0 {
		t.Fatal("the second SIGTERM hastened the SIGKILL")
	}
	h.advance(time.Nanosecond)
	if got := h.signalled(syscall.SIGKILL); !slices.Equal(got, []int{-web}) {
		t.Fatalf("SIGKILL %v, want web's group at StopWait", got)
	}
	if !h.running() {
		t.Fatal("the stop was aborted")
	}
}

func TestProcessThatSurvivesSIGKILLIsGivenUp(t *testing.T) {
	t.Parallel()
	h := newHarness(t, []Program{program("web")}, func(_ *harness, o *Options) { o.KillWait = 2 * time.Second })
	h.signal(syscall.SIGTERM)
	h.advance(10 * time.Second)
	h.advance(2 * time.Second)
	h.waitFor(EventLost, "web")
	if r := h.wait(); r.Code != 0 {
		t.Fatalf("result %+v", r)
	}
}

func TestShutdownDuringBackoffStartsNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t, []Program{program("web")})
	h.exit(h.lastPid("web"), 1, 0)
	h.wantState("web", Backoff)
	h.signal(syscall.SIGTERM)
	h.advance(time.Minute)
	if h.spawns("web") != 1 {
		t.Fatal("restarted during the stop")
	}
	if r := h.wait(); r.Code != 0 {
		t.Fatalf("result %+v", r)
	}
}

func TestExitDuringShutdownIsNotRestarted(t *testing.T) {
	t.Parallel()
	h := newHarness(t, []Program{program("db"), program("web", "db")})
	h.advance(time.Second)
	h.signal(syscall.SIGTERM)
	h.exit(h.lastPid("db"), 1, 0) // db crashes while web is being stopped
	h.wantState("db", Exited)
	h.advance(time.Minute)
	if h.spawns("db") != 1 {
		t.Fatal("db restarted during the stop")
	}
}
