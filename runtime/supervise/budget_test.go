package supervise

import (
	"slices"
	"syscall"
	"testing"
	"time"
)

// Programs without a stopwaitsecs of their own share one stop budget along
// the stop order (issue 16): web after app after db, 9 s: web gets 3 s; it
// ends at once, so app gets half of the 9 s left; app is SIGKILLed at 4.5 s
// and db gets the last 4.5 s. The whole stop fits the budget. A written
// StopWait is kept as written.
func TestStopBudgetSharedAlongTheStopOrder(t *testing.T) {
	t.Parallel()
	shared := func(p Program) Program { p.ShareStopBudget = true; return p }
	h := newHarness(t, []Program{shared(program("db")), shared(program("app", "db")), shared(program("web", "app"))},
		func(_ *harness, o *Options) { o.StopBudget = 9 * time.Second })
	h.advance(time.Second)
	h.advance(time.Second)
	h.advance(time.Second)
	db, app, web := h.lastPid("db"), h.lastPid("app"), h.lastPid("web")
	h.signal(syscall.SIGTERM)
	if e := h.waitFor(EventStopping, "web"); e.Delay != 3*time.Second {
		t.Fatalf("web's share %v, want 3s (9s for a chain of 3)", e.Delay)
	}
	h.exit(web, 0, 0)
	if e := h.waitFor(EventStopping, "app"); e.Delay != 4500*time.Millisecond {
		t.Fatalf("app's share %v, want 4.5s (9s left for 2)", e.Delay)
	}
	h.advance(4500 * time.Millisecond)
	if got := h.signalled(syscall.SIGKILL); !slices.Equal(got, []int{-app}) {
		t.Fatalf("SIGKILL went to %v, want app's group at the end of its share", got)
	}
	h.exit(app, 137, syscall.SIGKILL)
	if e := h.waitFor(EventStopping, "db"); e.Delay != 4500*time.Millisecond {
		t.Fatalf("db's share %v, want the last 4.5s", e.Delay)
	}
	h.exit(db, 0, 0)
	if r := h.wait(); r.Code != 0 {
		t.Fatalf("result %+v", r)
	}
}

func TestStopBudgetKeepsAWrittenStopWait(t *testing.T) {
	t.Parallel()
	db := program("db")
	db.StopWait = 20 * time.Second // written: the author's choice
	web := program("web", "db")
	web.ShareStopBudget = true
	h := newHarness(t, []Program{db, web}, func(_ *harness, o *Options) { o.StopBudget = 10 * time.Second })
	h.advance(time.Second)
	h.advance(time.Second)
	h.signal(syscall.SIGTERM)
	if e := h.waitFor(EventStopping, "web"); e.Delay != 5*time.Second {
		t.Fatalf("web's share %v, want 5s", e.Delay)
	}
	h.exit(h.lastPid("web"), 0, 0)
	if e := h.waitFor(EventStopping, "db"); e.Delay != 20*time.Second {
		t.Fatalf("db's written wait became %v", e.Delay)
	}
}
