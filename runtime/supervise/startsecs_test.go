package supervise

import (
	"appstart/runtime/spec"
	"fmt"
	"syscall"
	"testing"
	"time"
)

// startsecs = 0 (issue 14 item 7): the process is RUNNING once spawned, as
// supervisord, so exiting at once is an ordinary end: autorestart applies
// and the program never gives up after startretries. The delay still
// doubles while it keeps exiting at once. The old code counted every exit
// within 1s as a failed start and went FATAL after 1 + startretries tries.
func TestStartSecsZeroNeverGivesUpForExitingQuickly(t *testing.T) {
	t.Parallel()
	web := program("web")
	web.StartSecs, web.StartRetries = 0, 2
	web.OnFatal = spec.FatalIgnore
	h := newHarness(t, []Program{web, program("other")})
	h.wantState("web", Running)
	for i := 1; i <= 8; i++ {
		h.exit(h.lastPid("web"), 1, 0)
		h.wantState("web", Backoff)
		e := h.waitFor(EventExited, "web")
		if e.Next != NextRestart || e.Delay != RestartDelay(i) {
			t.Fatalf("exit %d: %q, want a restart in %v", i, e.String(), RestartDelay(i))
		}
		h.advance(RestartDelay(i))
		h.wantState("web", Running)
	}
	if st := h.status("web"); st.Failures != 0 || st.Starts != 9 {
		t.Fatalf("status %+v: want 9 starts and no failed start", st)
	}
	// A run of a second resets the delay.
	h.advance(time.Second)
	h.exit(h.lastPid("web"), 1, 0)
	if e := h.waitFor(EventExited, "web"); e.Delay != BackoffBase {
		t.Fatalf("after a 1s run: %q, want a restart in %v", e.String(), BackoffBase)
	}
}

// A spawn that fails (command not found) started nothing, so with
// startsecs = 0 too it is a failed start and gives up after startretries.
func TestStartSecsZeroSpawnErrorsStillGiveUp(t *testing.T) {
	t.Parallel()
	web := program("web")
	web.StartSecs, web.StartRetries, web.OnFatal = 0, 2, spec.FatalIgnore
	h := newHarness(t, []Program{program("other"), web}, func(h *harness, _ *Options) {
		h.spawn.fail = map[string]error{"web": fmt.Errorf("cannot start web: %w", syscall.ENOENT)}
	})
	for i := 1; i <= 2; i++ {
		h.advance(RestartDelay(i))
	}
	h.wantState("web", Fatal)
}
