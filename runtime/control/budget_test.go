package control

import (
	"bufio"
	"encoding/json"
	"errors"
	"net"
	"strings"
	"testing"
	"time"
)

// Issue 14: 16 `appstart logs -f` made `appstart health`, Docker's
// HEALTHCHECK, fail with "busy". Followers have their own budget now.
func TestFollowersLeaveStatusAndHealthAlone(t *testing.T) {
	t.Parallel()
	f := newFake()
	f.programs = []ProgramStatus{{Name: "web", State: "running", Pid: 7, Ready: true, OK: true}}
	_, path := serve(t, f, Options{}) // the defaults appstart runs with
	c, _ := Dial(path)
	ctx := testCtx(t)
	var dones []<-chan error
	for range 16 {
		_, done := follow(c, ctx, "", 0)
		nextSub(t, f)
		dones = append(dones, done)
	}
	for i := range 20 {
		if err := c.Health(ctx); err != nil {
			t.Fatalf("health #%d with 16 followers: %v", i, err)
		}
		if ps, err := c.Status(ctx); err != nil || len(ps) != 1 {
			t.Fatalf("status #%d with 16 followers: %v, %v", i, ps, err)
		}
	}
	// Other requests are not held up either.
	if err := c.Stop(ctx, "web"); err != nil {
		t.Fatalf("stop with 16 followers: %v", err)
	}
	// One follower more is what is refused, and says why.
	_, done := follow(c, ctx, "", 0)
	select {
	case err := <-done:
		if !errors.Is(err, ErrBusy) || err.Error() != "appstart is busy: too many log followers (16)" {
			t.Fatalf("17th follower: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("17th follower neither refused nor ended within 10s")
	}
	for _, d := range dones {
		select {
		case err := <-d:
			t.Fatalf("a follower ended: %v", err)
		default:
		}
	}
}

// Connections that never send their request cannot keep a status out: the
// oldest of them makes way for the newcomer, and is told why.
func TestIdleConnectionsMakeWay(t *testing.T) {
	t.Parallel()
	f := newFake()
	f.programs = []ProgramStatus{{Name: "web", State: "running", OK: true}}
	_, path := serve(t, f, Options{MaxPending: 2, ReadTimeout: time.Minute})
	var idle []net.Conn
	for range 6 {
		nc, err := net.Dial("unix", path)
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		idle = append(idle, nc)
	}
	c, _ := Dial(path)
	for i := range 10 {
		if err := c.Health(testCtx(t)); err != nil {
			t.Fatalf("health #%d with 6 idle connections: %v", i, err)
		}
	}
	// Every idle connection but the last was made to give way: the accept
	// loop takes connections in order, the healths came one at a time, and
	// the last idle one and a health fit in the two slots.
	for i, nc := range idle[:len(idle)-1] {
		nc.SetReadDeadline(time.Now().Add(10 * time.Second))
		line, err := bufio.NewReader(nc).ReadBytes('\n')
		var r response
		if err != nil || json.Unmarshal(line, &r) != nil || r.Error == nil {
			t.Fatalf("idle connection %d: %q, %v", i, line, err)
		}
		if r.Error.Code != CodeBusy || !strings.HasSuffix(r.Error.Message, "(2 waiting for their request)") {
			t.Errorf("idle connection %d told %+v", i, r.Error)
		}
	}
}

// A burst of real clients, more than the pending budget at once, is served
// whole: a connection whose request has arrived is not the one to go.
func TestBurstOfClientsIsServed(t *testing.T) {
	t.Parallel()
	f := newFake()
	f.programs = []ProgramStatus{{Name: "web", State: "running", OK: true}}
	_, path := serve(t, f, Options{MaxPending: 2})
	c, _ := Dial(path)
	ctx := testCtx(t)
	errs := make(chan error, 40)
	for range 40 {
		go func() { errs <- c.Health(ctx) }()
	}
	for range 40 {
		if err := <-errs; err != nil {
			t.Fatalf("a health of the burst: %v", err)
		}
	}
}

// Connections that send half a request and stop hold their slots only
// until a newcomer has waited admitWait: health still gets through.
func TestHalfSentRequestsMakeWay(t *testing.T) {
	t.Parallel()
	f := newFake()
	f.programs = []ProgramStatus{{Name: "web", State: "running", OK: true}}
	_, path := serve(t, f, Options{MaxPending: 2, ReadTimeout: time.Minute})
	for range 4 {
		nc, err := net.Dial("unix", path)
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		nc.Write([]byte(`{"v":1,"op":`))
	}
	c, _ := Dial(path)
	for i := range 3 {
		if err := c.Health(testCtx(t)); err != nil {
			t.Fatalf("health #%d with half-sent requests: %v", i, err)
		}
	}
}
