package supervise

import (
	"sync"
	"time"
)

// maxQueuedEvents bounds the event log's queue: past it, events are counted
// and dropped (one EventLogDropped says how many once the log moves again),
// so a log nobody reads costs bounded memory.
const maxQueuedEvents = 10000

// eventLog hands events to Options.Events on a goroutine of its own, so the
// loop never waits on I/O: with appstart's stdout a full pipe that nobody
// reads, writing a line blocks for ever, and the loop must still stop
// everything on SIGTERM. Events keep their order.
type eventLog struct {
	f    func(Event)
	mu   sync.Mutex
	cond sync.Cond
	q    []Event
	// dropped counts events refused by a full queue since the last batch.
	dropped         int
	queued, written uint64 // for flush: events queued and handed to f so far
	closed          bool
	done            chan struct{} // closed when the goroutine has handed out everything
}

// newEventLog returns a log that queues events for f; start hands them out.
func newEventLog(f func(Event)) *eventLog {
	l := &eventLog{f: f, done: make(chan struct{})}
	l.cond.L = &l.mu
	return l
}

// start starts the goroutine that hands the events to f.
func (l *eventLog) start() {
	if l.f == nil {
		close(l.done)
		return
	}
	go l.run()
}

// add queues e; it never blocks.
func (l *eventLog) add(e Event) {
	if l.f == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	if len(l.q) >= maxQueuedEvents {
		l.dropped++
		return
	}
	l.q = append(l.q, e)
	l.queued++
	l.cond.Signal()
}

func (l *eventLog) run() {
	defer close(l.done)
	for {
		l.mu.Lock()
		for len(l.q) == 0 && l.dropped == 0 && !l.closed {
			l.cond.Wait()
		}
		if len(l.q) == 0 && l.dropped == 0 {
			l.mu.Unlock()
			return // closed and empty
		}
		batch, dropped := l.q, l.dropped
		l.q, l.dropped = nil, 0
		l.mu.Unlock()
		for _, e := range batch {
			l.f(e)
		}
		if dropped > 0 {
			l.f(Event{Kind: EventLogDropped, Attempt: dropped})
		}
		l.mu.Lock()
		l.written += uint64(len(batch))
		l.cond.Broadcast()
		l.mu.Unlock()
	}
}

// flush waits until every event queued so far has been handed to f. For
// tests, which read the events a handler emitted.
func (l *eventLog) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for target := l.queued; l.written < target; {
		l.cond.Wait()
	}
}

// close lets the goroutine end once the queue is empty and waits for that
// up to wait: a log stuck on a full pipe must not keep appstart from
// exiting (what it could not write is lost either way).
func (l *eventLog) close(wait time.Duration) {
	l.mu.Lock()
	l.closed = true
	l.cond.Broadcast()
	l.mu.Unlock()
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-l.done:
	case <-t.C:
	}
}
