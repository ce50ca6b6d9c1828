package main

import (
	"os/exec"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// The zombie measurement sees zombies where PID 1 never reaps (the
// no-reap helper: the negative control) and none where it does (tini).
func TestZombiesInHarness(t *testing.T) {
	t.Parallel()
	b := testBench(t, config{orphans: 200, zombieWait: 1500 * time.Millisecond})
	harness.RequireCommands(t, "busybox") // the orphans are /bin/busybox true
	r, err := b.zombiesOnce(peer{kind: kindNoReap})
	if err != nil {
		t.Fatal(err)
	}
	if r.ok || r.leftAt1s != 200 || r.left != 200 {
		t.Errorf("no reaper as PID 1: %+v; want all 200 zombies left, never cleared", r)
	}
	tini, err := exec.LookPath("tini")
	if err != nil {
		harness.SkipOrFail(t, "tini is not installed: %v", err)
	}
	r, err = b.zombiesOnce(peer{kind: kindTini, path: tini})
	if err != nil {
		t.Fatal(err)
	}
	if !r.ok || r.leftAt1s != 0 {
		t.Errorf("tini as PID 1: %+v; want cleared, 0 left", r)
	}
}

// The watch stats only the zombie wait4(-1) reaches last: the last zombie of
// PID 1's list, live children (which come first, or late) skipped.
func TestLastZombie(t *testing.T) {
	t.Parallel()
	p := fakeProc() // 11 is a zombie, 10, 12 and 20 are alive
	for _, c := range []struct {
		kids []int
		want int
	}{
		{[]int{10, 11, 12}, 11},
		{[]int{11, 30, 40}, 40},
		{[]int{10, 12, 20}, 0},
		{nil, 0},
		{[]int{11, 999}, 11}, // 999 reaped meanwhile
	} {
		if got := lastZombie(p, c.kids); got != c.want {
			t.Errorf("lastZombie(%v) = %d, want %d", c.kids, got, c.want)
		}
	}
}

// The ratio to tini is taken round by round, then the median: a slow round
// slows both inits and cancels out.
func TestFmtVsTiniRatiosPerRound(t *testing.T) {
	t.Parallel()
	ms := func(ds ...int) []zombieResult {
		var rs []zombieResult
		for _, d := range ds {
			rs = append(rs, zombieResult{cleared: time.Duration(d) * time.Millisecond, ok: true})
		}
		return rs
	}
	// Rounds: 110/100, 330/300 (a loaded round), 90/100: ratios 1.1, 1.1, 0.9.
	wall := func(r zombieResult) time.Duration { return r.cleared }
	got := fmtVsTini(ms(110, 330, 90), ms(100, 300, 100), false, wall)
	if want := "110 ms (90 ms–330 ms), 1.10× tini"; got != want {
		t.Errorf("fmtVsTini = %q, want %q", got, want)
	}
	if got := fmtVsTini(ms(100, 300, 100), ms(100, 300, 100), true, wall); got != "100 ms (100 ms–300 ms)" {
		t.Errorf("tini's own cell = %q", got)
	}
}

// The OOM killer's count, as cgroup v1 and v2 give it.
func TestOOMKills(t *testing.T) {
	for _, c := range []struct {
		name, text string
		want       int
		ok         bool
	}{
		{"v1 memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n", 1, true},
		{"v2 memory.events", "low 0\nhigh 0\nmax 212\noom 3\noom_kill 2\noom_group_kill 0\n", 2, true},
		{"none yet", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n", 0, true},
		{"a kernel without the count", "oom_kill_disable 0\nunder_oom 0\n", 0, false},
	} {
		got, err := oomKills(c.text)
		if got != c.want || (err == nil) != c.ok {
			t.Errorf("%s: oomKills = %d, %v; want %d, ok %v", c.name, got, err, c.want, c.ok)
		}
	}
}
