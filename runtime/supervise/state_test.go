package supervise

import (
	"strings"
	"testing"
	"time"
)

func TestTransitionTable(t *testing.T) {
	t.Parallel()
	for from := range numStates {
		for to := range numStates {
			in := false
			for _, s := range allowed[from] {
				in = in || s == to
			}
			if got := transitionAllowed(from, to); got != in {
				t.Errorf("%s -> %s allowed = %v, table says %v", from, to, got, in)
			}
		}
	}
	// Spot checks of the rules the handlers rely on.
	for _, c := range []struct {
		from, to State
		want     bool
	}{
		{Stopped, Starting, false}, // every start goes through Waiting
		{Backoff, Starting, false},
		{Stopping, Exited, false}, // a stopped program is Stopped, not Exited
		{Running, Waiting, false}, // a restart passes through Stopping or Backoff
		{Starting, Running, true},
		{Fatal, Waiting, true},
		{numStates, Stopped, false},
	} {
		if got := transitionAllowed(c.from, c.to); got != c.want {
			t.Errorf("%s -> %s = %v, want %v", c.from, c.to, got, c.want)
		}
	}
}

func TestTransitionBumpsGenerationExceptStartingToRunning(t *testing.T) {
	t.Parallel()
	var events []Event
	s, err := New(nil, Options{Spawner: &fakeSpawner{}, Clock: newFakeClock(), Events: func(e Event) { events = append(events, e) }})
	if err != nil {
		t.Fatal(err)
	}
	s.events.start() // as Run does
	defer s.events.close(5 * time.Second)
	p := &prog{Program: Program{Name: "web"}}
	steps := []struct {
		to      State
		bumpGen bool
	}{{Waiting, true}, {Starting, true}, {Running, false}, {Stopping, true}, {Stopped, true}}
	for _, st := range steps {
		gen := p.gen
		s.transition(p, st.to)
		if bumped := p.gen != gen; bumped != st.bumpGen {
			t.Errorf("-> %s: gen bumped = %v, want %v", st.to, bumped, st.bumpGen)
		}
	}
	s.events.flush()
	if len(events) != 0 {
		t.Fatalf("allowed transitions reported %v", events)
	}
	s.transition(p, Running) // Stopped -> Running is not allowed
	s.events.flush()
	if p.state != Running || len(events) != 1 || events[0].Kind != EventInternalError ||
		!strings.Contains(events[0].String(), "web: internal error: unexpected transition stopped -> running") {
		t.Fatalf("state %s, events %v", p.state, events)
	}
}

func TestStateNames(t *testing.T) {
	t.Parallel()
	if Backoff.String() != "backoff" || Fatal.String() != "fatal" || State(42).String() != "state(42)" {
		t.Error("state names")
	}
}
