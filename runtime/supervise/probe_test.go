package supervise

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func probeCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestTCPProbe(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := (TCPProbe{Addr: addr}).Check(probeCtx(t)); err != nil {
		t.Fatalf("listening port: %v", err)
	}
	l.Close()
	if err := (TCPProbe{Addr: addr}).Check(probeCtx(t)); err == nil { // negative control
		t.Fatal("closed port passed")
	}
}

func TestHTTPProbe(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			w.WriteHeader(http.StatusNoContent)
		case "/login":
			http.Redirect(w, r, "/broken", http.StatusFound) // answered, not followed
		default:
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	for path, ok := range map[string]bool{"/ok": true, "/login": true, "/broken": false, "/?q=1": false} {
		err := (HTTPProbe{URL: srv.URL + path}).Check(probeCtx(t))
		if (err == nil) != ok {
			t.Errorf("%s: err = %v, want ok=%v", path, err, ok)
		}
	}
	if err := (HTTPProbe{URL: srv.URL + "/broken"}).Check(probeCtx(t)); err == nil || !strings.HasSuffix(err.Error(), "answered 503") {
		t.Errorf("error %v", err)
	}
}

func TestHTTPProbeGivesUpWithItsContext(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0") // accepts, never answers
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	res := make(chan error, 1)
	go func() { res <- (HTTPProbe{URL: "http://" + l.Addr().String() + "/"}).Check(ctx) }()
	c, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	cancel()
	select {
	case err := <-res:
		if err == nil {
			t.Fatal("a silent server passed")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Check ignored its cancelled context")
	}
}

func TestFileProbe(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "ready")
	if err := (FileProbe{Path: path}).Check(probeCtx(t)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := (FileProbe{Path: path}).Check(probeCtx(t)); err != nil {
		t.Fatal(err)
	}
}

// A ready file or socket left by the process before this one is not
// this process being ready: only a file changed since the spawn passes.
func TestFileProbeIgnoresWhatAnEarlierProcessLeft(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "ready")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Minute)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	if err := (FileProbe{Path: path}).CheckSince(probeCtx(t), started); err == nil || !strings.Contains(err.Error(), "left from before this start") {
		t.Fatalf("a stale file passed: %v", err)
	}
	if err := os.Chtimes(path, time.Now(), time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := (FileProbe{Path: path}).CheckSince(probeCtx(t), started); err != nil {
		t.Fatalf("a file made after the start failed: %v", err)
	}
}

func TestProbeFuncKeepsItsError(t *testing.T) {
	t.Parallel()
	f := ProbeFunc(func(context.Context) error { return errors.New("exit 1") })
	if err := f.Check(probeCtx(t)); err == nil {
		t.Error("ProbeFunc lost its error")
	}
}

// slowReturnSpawner is a process that writes its ready file at once, while
// the spawn returns to the supervisor only later (a loaded machine).
type slowReturnSpawner struct {
	fakeSpawner
	file string
}

func (s *slowReturnSpawner) Spawn(p *Program) (int, error) {
	if err := os.WriteFile(s.file, []byte("up\n"), 0o644); err != nil {
		return 0, err
	}
	time.Sleep(4 * staleSlack)
	return s.fakeSpawner.Spawn(p)
}

// A ready file the new process writes right away is its readiness, however
// late the spawn returns: the file time is compared with the clock before
// the fork, not after it.
func TestReadyFileWrittenBeforeTheSpawnReturns(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "ready")
	db := program("db")
	db.Ready = FileProbe{Path: file}
	sup, err := New([]Program{db}, Options{Spawner: &slowReturnSpawner{file: file}, Signaler: &fakeSignaler{}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan Result, 1)
	go func() { done <- sup.Run(ctx) }()
	if err := sup.WaitReady(ctx, []string{"db"}, 3*time.Second); err != nil {
		t.Errorf("db not ready: %v", err)
	}
	cancel()
	sup.Exited(101, 143, syscall.SIGTERM)
	<-done
}
