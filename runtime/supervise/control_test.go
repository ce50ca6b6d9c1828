package supervise

import (
	"context"
	"errors"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestControlStopStartRestart(t *testing.T) {
	t.Parallel()
	h := newHarness(t, []Program{program("web"), program("worker")})
	ctx := t.Context()
	pid := h.lastPid("web")
	if err := h.sup.Stop(ctx, "web"); err != nil {
		t.Fatal(err)
	}
	h.exit(pid, 143, syscall.SIGTERM)
	h.wantState("web", Stopped)
	h.exit(h.lastPid("worker"), 0, 0) // worker done: only a manually stopped program is left
	if !h.running() {
		t.Fatal("appstart ended although web was only stopped by request")
	}
	if err := h.sup.Start(ctx, "web"); err != nil {
		t.Fatal(err)
	}
	h.sync()
	if h.spawns("web") != 2 {
		t.Fatal("Start did not start web")
	}
	h.advance(time.Second)
	pid = h.lastPid("web")
	if err := h.sup.Restart(ctx, "web"); err != nil {
		t.Fatal(err)
	}
	h.exit(pid, 143, syscall.SIGTERM)
	if h.spawns("web") != 3 {
		t.Fatalf("Restart did not start web again at once\n%s", h.log())
	}
	if err := h.sup.SignalProgram(ctx, syscall.SIGUSR1, "web"); err != nil {
		t.Fatal(err)
	}
	if got := h.sig.sent(); got[len(got)-1] != (sent{-h.lastPid("web"), syscall.SIGUSR1}) {
		t.Fatalf("sent %v", got)
	}
}

func TestControlByGroupName(t *testing.T) {
	t.Parallel()
	w1, w2 := program("worker:1"), program("worker:2")
	w1.Group, w2.Group = "worker", "worker"
	h := newHarness(t, []Program{w1, w2})
	if err := h.sup.Stop(t.Context(), "worker"); err != nil {
		t.Fatal(err)
	}
	want := []int{-h.lastPid("worker:1"), -h.lastPid("worker:2")}
	if got := h.signalled(syscall.SIGTERM); !slices.Equal(got, want) {
		t.Fatalf("stopped %v, want both instances %v", got, want)
	}
}

func TestControlErrors(t *testing.T) {
	t.Parallel()
	web := program("web")
	web.AutoStart = false
	h := newHarness(t, []Program{web, program("other")})
	ctx := t.Context()
	if err := h.sup.Start(ctx, "nope"); err == nil || err.Error() != `cannot start: no program "nope"` {
		t.Errorf("Start(nope) = %v", err)
	}
	if err := h.sup.SignalProgram(ctx, syscall.SIGHUP, "web"); err == nil || !strings.Contains(err.Error(), "cannot signal web: stopped, no process") {
		t.Errorf("SignalProgram(stopped) = %v", err)
	}
	h.signal(syscall.SIGTERM)
	if err := h.sup.Start(ctx, "web"); err == nil || !strings.Contains(err.Error(), "appstart is stopping") {
		t.Errorf("Start during the stop = %v", err)
	}
	h.exit(h.lastPid("other"), 0, 0)
	h.wait()
	if _, err := h.sup.Status(ctx); !errors.Is(err, errStopped) {
		t.Errorf("Status after Run = %v, want errStopped", err)
	}
	if err := h.sup.WaitReady(ctx, []string{"web"}, 0); !errors.Is(err, errStopped) {
		t.Errorf("WaitReady after Run = %v", err)
	}
}

func TestStatusSnapshot(t *testing.T) {
	t.Parallel()
	w := program("worker:2")
	w.Group, w.Instance = "worker", 2
	h := newHarness(t, []Program{w})
	h.advance(time.Second)
	st := h.status("worker:2")
	want := Status{Name: "worker:2", Group: "worker", State: Running, Since: epoch.Add(time.Second),
		Pid: h.lastPid("worker:2"), Ready: true, Starts: 1, AutoStart: true}
	if st != want {
		t.Fatalf("status\n%+v\nwant\n%+v", st, want)
	}
	if !st.OK() {
		t.Fatal("a running, ready program without a healthcheck is not OK")
	}
	if !(Status{State: Stopped}).OK() || !(Status{State: Exited, Ended: true}).OK() {
		t.Error("a program not meant to start by itself, or a finished one-shot, is not OK")
	}
	for _, s := range []Status{{State: Fatal}, {State: Backoff}, {State: Running, Ready: false}, {State: Running, Ready: true, Health: HealthUnhealthy}, {State: Stopped, AutoStart: true}} {
		if s.OK() {
			t.Errorf("%+v is OK", s)
		}
	}
}

func TestRunTwice(t *testing.T) {
	t.Parallel()
	h := newHarness(t, []Program{program("web")})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if r := h.sup.Run(ctx); r.Code != 1 || r.Reason != "supervisor already ran" {
		t.Fatalf("second Run = %+v", r)
	}
}

func TestNoProgramsEndsAtOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t, nil)
	if r := h.wait(); r.Code != 0 {
		t.Fatalf("result %+v", r)
	}
}
