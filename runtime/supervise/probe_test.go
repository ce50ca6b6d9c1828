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

func TestParseProbe(t *testing.T) {
	t.Parallel()
	good := map[string]Probe{
		"tcp://127.0.0.1:3306":     TCPProbe{Addr: "127.0.0.1:3306"},
		"http://127.0.0.1:3000/up": HTTPProbe{URL: "http://127.0.0.1:3000/up"},
		"file:/run/app/ready":      FileProbe{Path: "/run/app/ready"},
		"file:///run/app/ready":    FileProbe{Path: "/run/app/ready"},
	}
	for in, want := range good {
		if got, err := ParseProbe(in); err != nil || got != want {
			t.Errorf("ParseProbe(%q) = %#v, %v", in, got, err)
		}
	}
	for _, bad := range []string{"tcp://nohost", "http://", "file:", "https://x/", "pg_isready"} {
		if _, err := ParseProbe(bad); err == nil {
			t.Errorf("ParseProbe(%q) succeeded", bad)
		}
	}
	f := ProbeFunc(func(context.Context) error { return errors.New("exit 1") })
	if err := f.Check(probeCtx(t)); err == nil {
		t.Error("ProbeFunc lost its error")
	}
}
