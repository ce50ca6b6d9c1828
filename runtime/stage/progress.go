package stage

import (
	"sync"
	"time"
)

// StageProgress is how a long stage is going: what Env.Report gets once
// the stage has run longer than ReportAfter, then every ReportEvery, and
// once more with Final set when it ends (only if it was reported before).
//
//	{Stage: "chown", Elapsed: 1.2s, Done: 51200}  // "chown: 51,200 entries in 1.2s (42,667/s)"
//	{Stage: "first_run", Elapsed: 3s}             // "first_run: still running after 3.0s"
type StageProgress struct {
	Stage   string
	Elapsed time.Duration
	// Done counts the entries the stage has handled so far (chown's walk);
	// 0 for a stage that counts nothing, such as a command.
	Done  int64
	Final bool
}

// Rate is Done per second, 0 when there is nothing to say.
func (p StageProgress) Rate() float64 {
	if p.Done == 0 || p.Elapsed <= 0 {
		return 0
	}
	return float64(p.Done) / p.Elapsed.Seconds()
}

// Defaults of Env.ReportAfter and Env.ReportEvery.
const (
	DefaultReportAfter = time.Second
	DefaultReportEvery = 5 * time.Second
)

// watch reports stage name's progress through e.Report while the stage
// runs, from a timer (no goroutine until there is something to say: most
// stages end in microseconds, and a start runs ten); the returned func
// ends it, with the final report when there was one. A report never runs
// after end has returned. Real time, not e.Now: it is about a person
// waiting.
func (e *Env) watch(name string) (end func()) {
	e.work.Store(0)
	if e.Report == nil || e.DryRun {
		return func() {}
	}
	after, every := e.ReportAfter, e.ReportEvery
	if after <= 0 {
		after = DefaultReportAfter
	}
	if every <= 0 {
		every = DefaultReportEvery
	}
	t0 := time.Now()
	var (
		mu       sync.Mutex // held by a report, so end waits for one in progress
		ended    bool
		reported bool
		timer    *time.Timer
	)
	mu.Lock() // the first report waits for timer to be set
	defer mu.Unlock()
	timer = time.AfterFunc(after, func() {
		mu.Lock()
		defer mu.Unlock()
		if ended {
			return
		}
		reported = true
		e.Report(StageProgress{Stage: name, Elapsed: time.Since(t0), Done: e.work.Load()})
		timer.Reset(every)
	})
	return func() {
		mu.Lock()
		ended = true
		timer.Stop()
		mu.Unlock()
		if reported {
			e.Report(StageProgress{Stage: name, Elapsed: time.Since(t0), Done: e.work.Load(), Final: true})
		}
	}
}
