package supervise

import "sync"

// mailbox is the loop's input: exits from the reaper, signals, timers,
// probe results and requests. It is unbounded, so no sender ever waits for
// the loop (the reaper must keep reaping while the loop is busy) and none
// is ever dropped (a lost exit would leave a program RUNNING forever). The
// loop takes everything queued at once, in arrival order.
type mailbox struct {
	mu     sync.Mutex
	q      []any
	spare  []any // the previous batch's array, reused
	closed bool
	ready  chan struct{} // one slot: something is queued
}

func newMailbox() *mailbox { return &mailbox{ready: make(chan struct{}, 1)} }

// put queues ev and never blocks; after close it drops ev and reports false.
func (m *mailbox) put(ev any) bool {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return false
	}
	m.q = append(m.q, ev)
	m.mu.Unlock()
	select {
	case m.ready <- struct{}{}:
	default: // a wake-up is pending already; the loop takes everything
	}
	return true
}

// take returns everything queued, oldest first. The slice is valid until
// the next take.
func (m *mailbox) take() []any {
	m.mu.Lock()
	defer m.mu.Unlock()
	batch := m.q
	clear(m.spare) // let the previous batch's messages be collected
	m.q, m.spare = m.spare[:0], batch
	return batch
}

// close makes every later put a no-op: Run has returned.
func (m *mailbox) close() {
	m.mu.Lock()
	m.closed = true
	m.q = nil
	m.mu.Unlock()
}
