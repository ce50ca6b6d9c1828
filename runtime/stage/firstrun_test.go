package stage

import (
	"bytes"
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"appstart/runtime/proc"
)

// syncBuffer is an io.Writer the capture goroutine and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestFirstRunRealCommands(t *testing.T) {
	requireRoot(t)
	dir := userDir(t)
	s := parseSpec(t, `
[first_run]
marker = "%[1]s/.initialized"
commands = [
  ["sh", "-c", "echo \"$(id -u):$(id -g):$(id -G) $HOME $USER $LOGNAME\" >> %[1]s/log"],
  { command = ["sh", "-c", "echo skipped >> %[1]s/log"], creates = "%[1]s/log" },
  { command = "echo as-root $(id -u) >> %[1]s/log", user = "root" },
]
`, dir)
	e := newEnv(t, s)
	e.Runner = testReaper(t)
	if err := runStage(t, e, "first_run"); err != nil {
		t.Fatal(err)
	}
	want := "1000:1000:1000 33 /home/cloudron cloudron cloudron\nas-root 0\n"
	if got := readString(t, dir+"/log"); got != want {
		t.Errorf("log:\n%s\nwant:\n%s", got, want)
	}
	if uid, _, mode := stat(t, dir+"/.initialized"); uid != 1000 || mode != 0o644 {
		t.Errorf("marker %d %v", uid, mode)
	}
	if got := partsText(e); got != "first_run 2 ran (1 skipped)" {
		t.Errorf("summary %q", got)
	}
	if !e.firstRan {
		t.Errorf("firstRan not set")
	}
	// The marker now skips everything.
	r := &fakeRunner{}
	e = newEnv(t, s)
	e.Runner = r
	if err := runStage(t, e, "first_run"); err != nil || len(r.cmds) != 0 || partsText(e) != "first_run skipped" {
		t.Errorf("second start: %v %v %q", err, r.argvs(), partsText(e))
	}
}

// A failing command stops first_run with its exit status and last output,
// streams that output as it comes, and leaves no marker, so the next start
// runs first_run again.
func TestFirstRunFailure(t *testing.T) {
	requireRoot(t)
	dir := userDir(t)
	s := parseSpec(t, `
[first_run]
marker = "%[1]s/.initialized"
commands = [
  ["sh", "-c", "echo one >> %[1]s/log"],
  ["sh", "-c", "for i in $(seq 1 30); do echo line $i; done; echo \"db password $DB_PASSWORD wrong\" >&2; exit 4"],
  ["sh", "-c", "echo three >> %[1]s/log"],
]
`, dir)
	e := newEnv(t, s, "DB_PASSWORD=hunter2hunter2")
	e.Runner = testReaper(t)
	var out syncBuffer
	e.Output = &out
	err := runStage(t, e, "first_run")
	var ce *CommandError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v", err)
	}
	if ce.Exit.Code != 4 || ce.What != "first_run command 2" || ce.User != "cloudron" {
		t.Errorf("%+v", ce)
	}
	if len(ce.Tail) != tailLines || ce.Tail[0] != "line 12" || ce.Tail[tailLines-1] != "db password **** wrong" {
		t.Errorf("tail %q", ce.Tail)
	}
	if !strings.HasPrefix(err.Error(), "first_run command 2 `sh -c ") || !strings.Contains(err.Error(), "(as cloudron) exited 4; last output:\n    line 12\n") {
		t.Errorf("message:\n%v", err)
	}
	if strings.Contains(err.Error()+out.String(), "hunter2") {
		t.Errorf("password leaked")
	}
	if !strings.Contains(out.String(), "first_run: line 1\n") {
		t.Errorf("output not streamed: %q", out.String())
	}
	if exists(dir + "/.initialized") {
		t.Errorf("marker written after a failure")
	}
	if got := readString(t, dir+"/log"); got != "one\n" {
		t.Errorf("ran past the failure: %q", got)
	}
}

func TestFirstRunNotFound(t *testing.T) {
	requireRoot(t)
	dir := userDir(t)
	s := parseSpec(t, "[first_run]\nmarker = %q\ncommands = [[\"no-such-installer\"]]\n", dir+"/m")
	e := newEnv(t, s)
	e.Runner = testReaper(t)
	err := runStage(t, e, "first_run")
	var ce *CommandError
	if !errors.As(err, &ce) || ce.Exit.Code != proc.CodeNotFound {
		t.Fatalf("err = %v", err)
	}
}

func TestFirstRunNeeds(t *testing.T) {
	requireRoot(t)
	dir := t.TempDir()
	s := parseSpec(t, `
[programs.db]
command = ["postgres"]
[first_run]
marker = "%s/m"
needs = ["db"]
commands = [["install"]]
`, dir)
	var order []string
	r := &fakeRunner{fn: func(c proc.Cmd) (proc.Exit, error) {
		order = append(order, "run "+c.Path)
		return proc.Exit{}, nil
	}}
	e := newEnv(t, s)
	e.Runner = r
	e.Needs = func(_ context.Context, names []string) error {
		order = append(order, "needs "+strings.Join(names, ","))
		return nil
	}
	if err := runStage(t, e, "first_run"); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(order, []string{"needs db", "run install"}) {
		t.Errorf("order %v", order)
	}
	// A needed program that does not come up stops first_run before any command.
	order = nil
	dir = t.TempDir()
	s.FirstRun.Marker = dir + "/m"
	e = newEnv(t, s)
	e.Runner = r
	e.Needs = func(context.Context, []string) error { return errors.New("db: not ready after 1m0s") }
	err := runStage(t, e, "first_run")
	if err == nil || err.Error() != "cannot start [db] for first_run: db: not ready after 1m0s" || len(order) != 0 || exists(dir+"/m") {
		t.Errorf("err %v, order %v", err, order)
	}
}

func TestFirstRunDryRun(t *testing.T) {
	dir := t.TempDir()
	s := parseSpec(t, "[first_run]\nmarker = %q\ncommands = [[\"install\", \"--db\"]]\n", dir+"/m")
	r := &fakeRunner{}
	e := newEnv(t, s)
	e.Runner = r
	var plan []string
	e.DryRun, e.Plan = true, func(l string) { plan = append(plan, l) }
	if err := runStage(t, e, "first_run"); err != nil {
		t.Fatal(err)
	}
	want := "first_run: would run: " + dir + "/m is absent\nfirst_run: run first_run command 1 `install --db` as cloudron"
	if got := strings.Join(plan, "\n"); got != want || len(r.cmds) != 0 || exists(dir+"/m") {
		t.Errorf("plan:\n%s\nwant:\n%s", got, want)
	}
}

// Issue 15 item 6: the marker is owned like the data it guards (its
// directory), not by first_run's user: an install run as root leaves the
// app user's marker in the app user's volume, and a marker in a directory
// of another user (postgres' data) is that user's.
func TestFirstRunMarkerOwnedLikeItsDirectory(t *testing.T) {
	requireRoot(t)
	dir := userDir(t) // owned by 1000
	pg := dir + "/pgdata"
	if err := os.Mkdir(pg, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(pg, 33, 33); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		marker   string
		uid, gid int
	}{{dir + "/.initialized", 1000, 1000}, {pg + "/.initialized", 33, 33}} {
		s := parseSpec(t, "[first_run]\nuser = \"root\"\nmarker = %q\ncommands = [[\"true\"]]\n", c.marker)
		e := newEnv(t, s)
		e.Runner = &fakeRunner{}
		if err := runStage(t, e, "first_run"); err != nil {
			t.Fatal(err)
		}
		if uid, gid, _ := stat(t, c.marker); uid != c.uid || gid != c.gid {
			t.Errorf("%s owned by %d:%d, want %d:%d (its directory's)", c.marker, uid, gid, c.uid, c.gid)
		}
	}
}
