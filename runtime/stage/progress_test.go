package stage

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

// A stage that runs past ReportAfter is reported while it runs, with the
// entries done so far, and once more at its end; a quick one never is.
func TestWatchReportsLongStagesOnly(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []StageProgress
	e := &Env{ReportAfter: time.Millisecond, ReportEvery: time.Millisecond, Report: func(p StageProgress) {
		mu.Lock()
		got = append(got, p)
		mu.Unlock()
	}}
	end := e.watch("chown")
	e.work.Add(5000)
	for deadline := time.Now().Add(10 * time.Second); ; {
		mu.Lock()
		n := len(got)
		done := n > 0 && got[n-1].Done == 5000
		mu.Unlock()
		if done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no report with the 5000 entries done: %+v", got)
		}
		time.Sleep(time.Millisecond)
	}
	end()
	last := got[len(got)-1]
	if !last.Final || last.Stage != "chown" || last.Done != 5000 || last.Rate() <= 0 {
		t.Errorf("final report %+v", last)
	}
	for _, p := range got[:len(got)-1] {
		if p.Final {
			t.Errorf("a report before the end says Final: %+v", p)
		}
	}

	quiet := &Env{ReportAfter: time.Hour, Report: func(p StageProgress) { t.Errorf("quick stage reported: %+v", p) }}
	quiet.watch("dirs")()
}

// A start runs ten stages, most in microseconds: watching one must not
// start a goroutine (and wait for it to end) before there is anything to
// report. Another test's goroutine may come or go meanwhile, so the least
// of a few tries counts.
func TestWatchStartsNoGoroutine(t *testing.T) {
	e := &Env{ReportAfter: time.Hour, Report: func(StageProgress) {}}
	least := 1 << 30
	for range 5 {
		before := runtime.NumGoroutine()
		end := e.watch("dirs")
		least = min(least, runtime.NumGoroutine()-before)
		end()
	}
	if least != 0 {
		t.Errorf("watching a stage started %d goroutine(s)", least)
	}
}
