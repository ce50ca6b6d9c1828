package logfwd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"appstart/runtime/harness/skip"
)

// Issue 14 item 2: what an app user who owns the log's directory can put
// at a followed path. Each bad entry is refused once (said through
// Refused), nothing of what it leads to is streamed, StartFollow does not
// block, and once the entry is replaced by a proper file its lines do
// arrive (the follower kept polling). On the old code the secret and
// /dev/zero's NULs were streamed and StartFollow on a FIFO never returned.
func TestFollowRefusesWhatTheAppCouldPlant(t *testing.T) {
	skip.Root(t, "the app's directory belongs to uid 1000")
	outside := t.TempDir()
	secret := filepath.Join(outside, "error.log")
	if err := os.WriteFile(secret, []byte("TOP-SECRET root only\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, rel, why string
		plant          func(dir string) error
	}{
		{"link to a root-only file", "error.log", "symbolic link",
			func(dir string) error { return os.Symlink(secret, filepath.Join(dir, "error.log")) }},
		{"link to /dev/zero", "error.log", "symbolic link",
			func(dir string) error { return os.Symlink("/dev/zero", filepath.Join(dir, "error.log")) }},
		{"FIFO", "error.log", "named pipe",
			func(dir string) error { return unix.Mkfifo(filepath.Join(dir, "error.log"), 0o644) }},
		{"link in a directory component", "logs/error.log", "the app may have made",
			func(dir string) error { return os.Symlink(outside, filepath.Join(dir, "logs")) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "app")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Chown(dir, 1000, 1000); err != nil {
				t.Fatal(err)
			}
			if err := tc.plant(dir); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, tc.rel)
			dst := &syncBuffer{}
			s := NewSink(dst, Options{FollowInterval: 2 * time.Millisecond, FollowFromStart: true})
			started := make(chan *Follower, 1)
			go func() {
				fl, err := s.StartFollow(path, "web", "web | ")
				if err != nil {
					t.Error(err)
				}
				started <- fl
			}()
			var fl *Follower
			select {
			case fl = <-started:
			case <-time.After(20 * time.Second):
				t.Fatal("StartFollow blocked (in open of the FIFO?)")
			}
			if fl == nil {
				return
			}
			var mu sync.Mutex
			var said []string
			fl.Refused = func(msg string) { mu.Lock(); said = append(said, msg); mu.Unlock() }
			refusals := func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), said...) }
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- fl.Run(ctx) }()

			waitFor(t, "the refusal", func() bool { return len(refusals()) > 0 })
			// The app puts a proper file there: followed from its start.
			if err := os.Remove(filepath.Join(dir, strings.Split(tc.rel, "/")[0])); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte("after the fix\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the proper file's line", func() bool { return strings.Contains(dst.String(), "web | after the fix\n") })
			cancel()
			if err := <-done; err != nil {
				t.Error(err)
			}
			out := dst.String()
			if strings.Contains(out, "SECRET") || strings.Contains(out, "\x00") || out != "web | after the fix\n" {
				t.Errorf("streamed %q, want only the proper file's line", out[:min(len(out), 200)])
			}
			got := refusals()
			if len(got) != 1 || !strings.Contains(got[0], "not following "+path) || !strings.Contains(got[0], tc.why) {
				t.Errorf("refusals %q, want one about %s naming %q", got, path, tc.why)
			}
		})
	}
}

// An image's own links are followed: root's, in a directory only root may
// write (/var/log/nginx -> /run/nginx). The negative control of the test
// above: a link in a directory component is not refused as such.
func TestFollowTakesTheImagesLinks(t *testing.T) {
	skip.Root(t, "the link must be root's")
	base := t.TempDir()
	real, varlog := filepath.Join(base, "run-nginx"), filepath.Join(base, "var-log")
	for _, d := range []string{real, varlog} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("../run-nginx", filepath.Join(varlog, "nginx")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(real, "error.log"), []byte("started\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dst := &syncBuffer{}
	s := NewSink(dst, Options{FollowInterval: 2 * time.Millisecond, FollowFromStart: true})
	fl, err := s.StartFollow(filepath.Join(varlog, "nginx", "error.log"), "nginx", "nginx | ")
	if err != nil {
		t.Fatal(err)
	}
	fl.Refused = func(msg string) { t.Errorf("refused: %s", msg) }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go fl.Run(ctx)
	waitFor(t, "the line through the image's link", func() bool { return strings.Contains(dst.String(), "nginx | started\n") })
}
