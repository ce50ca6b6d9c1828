package supervise

import (
	"appstart/runtime/spec"
	"context"
	"errors"
	"slices"
	"syscall"
	"testing"
	"time"
)

var errRefused = errors.New("connection refused")

func TestNotReadyInTimeIsAFailedStart(t *testing.T) {
	t.Parallel()
	probe := newFakeProbe()
	web := program("web")
	web.Ready, web.ReadyTimeout = probe, 30*time.Second
	h := newHarness(t, []Program{web})
	pid := h.lastPid("web")
	probe.answer(t, errRefused)
	h.waitFor(EventCheck, "web")
	h.advance(30 * time.Second) // fires the retry poll (its check waits) and the timeout
	if e := h.waitFor(EventNotReady, "web"); e.String() != "web: not ready after 30s: connection refused" {
		t.Fatalf("message %q", e)
	}
	if got := h.sig.sent(); !slices.Equal(got, []sent{{-pid, syscall.SIGTERM}}) {
		t.Fatalf("sent %v", got)
	}
	h.exit(pid, 143, syscall.SIGTERM)
	h.wantState("web", Backoff)
	if st := h.status("web"); st.Failures != 1 {
		t.Fatalf("failures %d, want 1", st.Failures)
	}
	h.advance(RestartDelay(1))
	if h.spawns("web") != 2 {
		t.Fatal("not restarted after the failed start")
	}
}

// healthy starts web with a health check and brings it up.
func healthy(t *testing.T, hc HealthCheck, onUnhealthy spec.OnUnhealthy) (*harness, *fakeProbe) {
	probe := newFakeProbe()
	hc.Probe = probe
	web := program("web")
	web.Health, web.OnUnhealthy = &hc, onUnhealthy
	h := newHarness(t, []Program{web, program("other")})
	h.advance(time.Second) // up: health checks begin one Interval later
	return h, probe
}

// check makes the next health check answer err and waits for its event.
func (h *harness) check(probe *fakeProbe, interval time.Duration, err error) {
	h.t.Helper()
	h.clock.Advance(interval)
	probe.answer(h.t, err)
	h.waitFor(EventCheck, "web")
	h.sync()
}

func TestHealthFailuresInARowRestart(t *testing.T) {
	t.Parallel()
	h, probe := healthy(t, HealthCheck{Interval: 10 * time.Second, Retries: 3}, spec.UnhealthyRestart)
	pid := h.lastPid("web")
	h.check(probe, 10*time.Second, nil)
	if st := h.status("web"); st.Health != HealthHealthy || !st.OK() {
		t.Fatalf("status %+v, want healthy", st)
	}
	h.check(probe, 10*time.Second, errRefused)
	h.check(probe, 10*time.Second, errRefused)
	h.check(probe, 10*time.Second, nil) // the count starts again
	h.check(probe, 10*time.Second, errRefused)
	h.check(probe, 10*time.Second, errRefused)
	if len(h.sig.sent()) != 0 {
		t.Fatalf("restarted after failures that were not in a row: %v", h.sig.sent())
	}
	h.check(probe, 10*time.Second, errRefused)
	e := h.waitFor(EventUnhealthy, "web")
	if e.String() != "web: unhealthy after 3 failed checks: connection refused; restarting" {
		t.Fatalf("message %q", e)
	}
	if got := h.sig.sent(); !slices.Equal(got, []sent{{-pid, syscall.SIGTERM}}) {
		t.Fatalf("sent %v", got)
	}
	h.exit(pid, 143, syscall.SIGTERM)
	if h.spawns("web") != 2 {
		t.Fatalf("not restarted at once after the unhealthy stop\n%s", h.log())
	}
	if !h.running() {
		t.Fatal("appstart stopped")
	}
}

func TestHealthFailuresInStartPeriodDoNotCount(t *testing.T) {
	t.Parallel()
	h, probe := healthy(t, HealthCheck{Interval: 10 * time.Second, Retries: 1, StartPeriod: time.Minute}, spec.UnhealthyRestart)
	for range 4 { // checks at 11s..41s after the start
		h.check(probe, 10*time.Second, errRefused)
	}
	if len(h.sig.sent()) != 0 || h.status("web").Health != HealthStarting {
		t.Fatalf("a failure within the start period counted: %v", h.sig.sent())
	}
	h.clock.Advance(20 * time.Second) // check at 61s: counts
	probe.answer(t, errRefused)
	h.waitFor(EventUnhealthy, "web")
}

func TestUnhealthyStopsEverythingWithNonZeroCode(t *testing.T) {
	t.Parallel()
	h, probe := healthy(t, HealthCheck{Interval: 10 * time.Second, Retries: 1}, spec.UnhealthyStop)
	h.check(probe, 10*time.Second, errRefused)
	h.waitFor(EventUnhealthy, "web")
	h.exit(h.lastPid("other"), 143, syscall.SIGTERM)
	h.exit(h.lastPid("web"), 0, 0) // even a clean exit: the stop was a failure
	r := h.wait()
	if r.Code != 1 || r.Program != "web" || r.Reason != "web is unhealthy" {
		t.Fatalf("result %+v, want 1 from web", r)
	}
}

func TestUnhealthyStopTakesTheProgramsCode(t *testing.T) {
	t.Parallel()
	h, probe := healthy(t, HealthCheck{Interval: 10 * time.Second, Retries: 1}, spec.UnhealthyStop)
	h.check(probe, 10*time.Second, errRefused)
	h.exit(h.lastPid("other"), 0, 0)
	h.exit(h.lastPid("web"), 143, syscall.SIGTERM)
	if r := h.wait(); r.Code != 143 {
		t.Fatalf("result %+v, want 143", r)
	}
}

// blockingProbe blocks until its context ends and records that it did.
type blockingProbe struct{ returned chan struct{} }

func (b blockingProbe) Check(ctx context.Context) error {
	<-ctx.Done()
	close(b.returned)
	return ctx.Err()
}

func TestRunReturnsOnlyAfterItsChecksEnded(t *testing.T) {
	t.Parallel()
	probe := blockingProbe{returned: make(chan struct{})}
	web := program("web")
	web.Ready = probe
	h := newHarness(t, []Program{web}, func(_ *harness, o *Options) { o.CheckTimeout = time.Hour })
	h.signal(syscall.SIGTERM)
	h.exit(h.lastPid("web"), 143, syscall.SIGTERM)
	h.wait()
	select {
	case <-probe.returned:
	default:
		t.Fatal("Run returned with a check still running")
	}
}
