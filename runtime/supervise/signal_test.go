package supervise

import (
	"slices"
	"syscall"
	"testing"
	"time"
)

func TestForwardGoesOnlyToProgramsThatListTheSignal(t *testing.T) {
	t.Parallel()
	nginx, php := program("nginx"), program("php")
	nginx.Forward = []syscall.Signal{syscall.SIGHUP, syscall.SIGURG}
	php.Forward = []syscall.Signal{syscall.SIGUSR2}
	h := newHarness(t, []Program{nginx, php, program("quiet")})
	h.advance(time.Second) // all up
	h.signal(syscall.SIGHUP)
	h.signal(syscall.SIGUSR2)
	h.signal(syscall.SIGWINCH) // nobody listed it
	h.signal(syscall.SIGURG)   // the Go runtime's: never forwarded, even if listed
	h.signal(syscall.SIGCHLD)
	want := []sent{{-h.lastPid("nginx"), syscall.SIGHUP}, {-h.lastPid("php"), syscall.SIGUSR2}}
	if got := h.sig.sent(); !slices.Equal(got, want) {
		t.Fatalf("sent %v, want %v", got, want)
	}
	if !h.running() {
		t.Fatal("a forwarded signal stopped appstart")
	}
}

// A signal for a program between two processes is held and delivered to
// the new process once it is up, never to one still installing its
// handlers (SIGHUP's default action would kill it), and never lost.
func TestSignalDuringRestartIsDeliveredOnceTheNewProcessIsUp(t *testing.T) {
	t.Parallel()
	nginx := program("nginx")
	nginx.Forward = []syscall.Signal{syscall.SIGHUP, syscall.SIGUSR1}
	h := newHarness(t, []Program{nginx})
	h.exit(h.lastPid("nginx"), 1, 0)
	h.wantState("nginx", Backoff)
	h.signal(syscall.SIGHUP)
	h.signal(syscall.SIGHUP) // coalesced, as the kernel does
	h.advance(RestartDelay(1))
	h.wantState("nginx", Starting)
	h.signal(syscall.SIGUSR1) // arrives while the new process starts
	if got := h.sig.sent(); len(got) != 0 {
		t.Fatalf("sent %v to a process not yet up", got)
	}
	h.advance(time.Second)
	pid := h.lastPid("nginx")
	want := []sent{{-pid, syscall.SIGHUP}, {-pid, syscall.SIGUSR1}}
	if got := h.sig.sent(); !slices.Equal(got, want) {
		t.Fatalf("sent %v, want %v", got, want)
	}
	h.waitFor(EventSignalHeld, "nginx")
}

func TestSignalForProgramNeverStartedIsDropped(t *testing.T) {
	t.Parallel()
	nginx := program("nginx")
	nginx.AutoStart = false
	nginx.Forward = []syscall.Signal{syscall.SIGHUP}
	h := newHarness(t, []Program{nginx, program("web")})
	h.signal(syscall.SIGHUP)
	if err := h.sup.Start(t.Context(), "nginx"); err != nil {
		t.Fatal(err)
	}
	h.advance(time.Second)
	if got := h.sig.sent(); len(got) != 0 {
		t.Fatalf("sent %v: a program started after the signal reads its config fresh", got)
	}
}

func TestSignalToStoppingProgramIsForwarded(t *testing.T) {
	t.Parallel()
	web := program("web")
	web.Forward = []syscall.Signal{syscall.SIGQUIT}
	h := newHarness(t, []Program{web})
	pid := h.lastPid("web")
	h.signal(syscall.SIGTERM)
	h.signal(syscall.SIGQUIT)
	want := []sent{{-pid, syscall.SIGTERM}, {-pid, syscall.SIGQUIT}}
	if got := h.sig.sent(); !slices.Equal(got, want) {
		t.Fatalf("sent %v, want %v", got, want)
	}
}
