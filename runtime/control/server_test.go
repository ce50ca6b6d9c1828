package control

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// serve starts a server on a fresh socket; cleanup stops it and checks
// that Serve returned.
func serve(t testing.TB, b Backend, o Options) (*Server, string) {
	t.Helper()
	path := filepath.Join(shortDir(t), "run", "appstart", "control.sock")
	srv, err := ListenOptions(path, b, o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Serve did not return 10s after its context ended")
		}
	})
	return srv, path
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// raw sends payload as is and returns every response line until the
// server closes the connection.
func raw(t *testing.T, path string, payload []byte) []response {
	return rawShut(t, path, payload, false)
}

// rawShut is raw, shutting the write side after payload when shut.
func rawShut(t *testing.T, path string, payload []byte, shut bool) []response {
	t.Helper()
	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	c.Write(payload) // a refused request may fail half-way: read the answer anyway
	if shut {
		c.(*net.UnixConn).CloseWrite()
	}
	var out []response
	sc := bufio.NewScanner(c)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r response
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("bad response line %q: %v", sc.Text(), err)
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil && !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("reading responses: %v", err)
	}
	return out
}

func oneError(t *testing.T, rs []response) *Error {
	t.Helper()
	if len(rs) != 1 || rs[0].Error == nil {
		t.Fatalf("want one error response, got %+v", rs)
	}
	if rs[0].V != ProtocolVersion {
		t.Errorf("response v = %d", rs[0].V)
	}
	return rs[0].Error
}

func TestRoundTrips(t *testing.T) {
	t.Parallel()
	since := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	f := newFake()
	f.programs = []ProgramStatus{
		{Name: "web:1", Group: "web", State: "running", Pid: 42, Since: since, UptimeSeconds: 3725,
			Restarts: 2, LastExit: "exit 1", Ready: true, Health: "healthy", OK: true},
		{Name: "cron", State: "backoff", Restarts: 5, LastExit: "signal 9 (killed)"},
	}
	f.logs = []LogLine{{Name: "web:1", Text: "a"}, {Name: "cron", Text: "b"}, {Name: "web:1", Text: "c"}, {Name: "web:1", Text: "d"}}
	_, path := serve(t, f, Options{})
	c, err := Dial(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := testCtx(t)

	ps, err := c.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || !ps[0].Since.Equal(since) {
		t.Fatalf("status = %+v", ps)
	}
	ps[0].Since = since // the instant survives; the location need not
	if !reflect.DeepEqual(ps, f.programs) {
		t.Errorf("status round trip:\n got %+v\nwant %+v", ps, f.programs)
	}

	for _, err := range []error{
		c.Start(ctx, "web", "cron"),
		c.Stop(ctx, "web:1"),
		c.Restart(ctx, "cron"),
		c.Signal(ctx, syscall.SIGHUP, "web"),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	lines, err := c.Logs(ctx, "web:1", 2)
	if err != nil {
		t.Fatal(err)
	}
	if want := []LogLine{{Name: "web:1", Text: "c"}, {Name: "web:1", Text: "d"}}; !reflect.DeepEqual(lines, want) {
		t.Errorf("logs web:1 2 = %v, want %v", lines, want)
	}
	all, err := c.Logs(ctx, "", 10)
	if err != nil || len(all) != 4 {
		t.Errorf("logs all = %v, %v", all, err)
	}
	want := []string{"status", "start web cron", "stop web:1", "restart cron", "signal 1 web", `logs "web:1" 2`, `logs "" 10`}
	if got := f.Calls(); !reflect.DeepEqual(got, want) {
		t.Errorf("backend calls:\n got %q\nwant %q", got, want)
	}

	// The Backend's error reaches the client word for word.
	err = c.Stop(ctx, "nope")
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeFailed || err.Error() != "cannot stop: no program called nope" {
		t.Errorf("stop nope: %#v", err)
	}
	if err := c.Health(ctx); err == nil || err.Error() != "not healthy: cron is backoff" {
		t.Errorf("health: %v", err)
	}
}

func TestBadRequests(t *testing.T) {
	t.Parallel()
	f := newFake()
	_, path := serve(t, f, Options{})
	for _, tc := range []struct{ req, code, msg string }{
		{`{"v":2,"op":"status"}`, CodeVersion, "unsupported control protocol version 2 (this appstart speaks 1)"},
		{`{"v":1,"op":"reboot"}`, CodeBadRequest, `unknown op "reboot"`},
		{`{"v":1}`, CodeBadRequest, "request has no op"},
		{`{"v":1,"op":"stop"}`, CodeBadRequest, "stop needs at least one program name"},
		{`{"v":1,"op":"signal","names":["web"],"signal":99}`, CodeBadRequest, "signal 99 is not a signal number (1-64)"},
		{`{"v":1,"op":"logs","names":["a","b"]}`, CodeBadRequest, "logs takes at most one program name, not 2"},
		{`{"v":1,"op":"logs","n":-1}`, CodeBadRequest, "logs -n -1 is out of range (0-100000)"},
		{`{"v":1,"op":"start","names":[""]}`, CodeBadRequest, "empty program name"},
		{`not json`, CodeBadRequest, "cannot decode request: invalid character 'o' in literal null (expecting 'u')"},
	} {
		e := oneError(t, raw(t, path, []byte(tc.req+"\n")))
		if e.Code != tc.code || e.Message != tc.msg {
			t.Errorf("%s: got %s %q, want %s %q", tc.req, e.Code, e.Message, tc.code, tc.msg)
		}
	}
	if calls := f.Calls(); len(calls) != 0 {
		t.Errorf("a bad request reached the backend: %q", calls)
	}
	// A last line without its newline, then end of input, is a request.
	if rs := rawShut(t, path, []byte(`{"v":1,"op":"status"}`), true); len(rs) != 1 || !rs[0].Done {
		t.Errorf("request without newline: %+v", rs)
	}
}

func TestRequestSizeLimit(t *testing.T) {
	t.Parallel()
	f := newFake()
	_, path := serve(t, f, Options{})

	// Exactly at the limit, newline included: served.
	req := `{"v":1,"op":"status"}`
	atLimit := req + strings.Repeat(" ", MaxRequest-len(req)-1) + "\n"
	if rs := raw(t, path, []byte(atLimit)); len(rs) != 1 || !rs[0].Done || rs[0].Error != nil {
		t.Fatalf("request of exactly %d bytes: %+v", len(atLimit), rs)
	}
	// One byte more: refused, and the backend never sees it.
	over := req + strings.Repeat(" ", MaxRequest-len(req)) + "\n"
	e := oneError(t, raw(t, path, []byte(over)))
	if e.Code != CodeBadRequest || e.Message != "request too large (limit 65536 bytes)" {
		t.Errorf("request of %d bytes: %+v", len(over), e)
	}
	// Far over, with no newline at all: the server stops reading at the limit.
	huge := []byte(`{"v":1,"op":"stop","names":["` + strings.Repeat("a", 4*MaxRequest))
	if e := oneError(t, raw(t, path, huge)); e.Code != CodeBadRequest {
		t.Errorf("huge request: %+v", e)
	}
	if got := f.Calls(); len(got) != 1 {
		t.Errorf("backend calls = %q, want just the one status", got)
	}
	// The client refuses to send one.
	c, _ := Dial(path)
	if err := c.Stop(testCtx(t), strings.Repeat("a", MaxRequest)); err == nil || !strings.Contains(err.Error(), "the limit is 65536") {
		t.Errorf("client with a huge name: %v", err)
	}
}

func TestStuckClientIsDropped(t *testing.T) {
	t.Parallel()
	_, path := serve(t, newFake(), Options{ReadTimeout: 50 * time.Millisecond})
	// Connects and says nothing: the server answers and hangs up on its own.
	e := oneError(t, raw(t, path, nil))
	if e.Code != CodeBadRequest || e.Message != "no request within 50ms" {
		t.Errorf("got %+v", e)
	}
}

func TestBusy(t *testing.T) {
	t.Parallel()
	f := newFake()
	f.hold, f.held = make(chan struct{}), make(chan struct{}, 8)
	f.programs = []ProgramStatus{{Name: "web", State: "running", OK: true}}
	_, path := serve(t, f, Options{MaxConns: 2})
	c, _ := Dial(path)
	ctx := testCtx(t)
	// Two starts the backend holds take both slots of the ops budget.
	started := make(chan error, 2)
	for range 2 {
		go func() { started <- c.Start(ctx, "web") }()
		<-f.held
	}
	err := c.Start(ctx, "web")
	if !errors.Is(err, ErrBusy) || err.Error() != "appstart is busy: too many control connections (2 requests in progress)" {
		t.Fatalf("third start: %v", err)
	}
	// A status is under no budget.
	if err := c.Health(ctx); err != nil {
		t.Fatalf("health while the ops budget is full: %v", err)
	}
	// Slots freed are slots reused.
	close(f.hold)
	for range 2 {
		if err := <-started; err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Start(ctx, "web"); err != nil {
		t.Fatalf("after the slots were freed: %v", err)
	}
	want := []string{"start web", "start web", "status", "start web"}
	if got := f.Calls(); !reflect.DeepEqual(got, want) {
		t.Errorf("backend calls = %q, want %q", got, want)
	}
}

func TestConcurrentClients(t *testing.T) {
	t.Parallel()
	f := newFake()
	f.programs = []ProgramStatus{{Name: "web", State: "running", Pid: 7, OK: true}}
	_, path := serve(t, f, Options{})
	c, _ := Dial(path)
	ctx := testCtx(t)
	const workers, calls = 6, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*calls)
	for w := range workers {
		wg.Go(func() {
			for i := range calls {
				if w%2 == 0 {
					ps, err := c.Status(ctx)
					if err == nil && (len(ps) != 1 || ps[0].Pid != 7) {
						err = fmt.Errorf("status = %+v", ps)
					}
					errs <- err
				} else {
					errs <- c.Signal(ctx, syscall.SIGUSR1, fmt.Sprintf("p%d-%d", w, i))
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := len(f.Calls()); n != workers*calls {
		t.Errorf("backend saw %d calls, want %d", n, workers*calls)
	}
}
