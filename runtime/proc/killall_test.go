package proc

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"appstart/runtime/harness/skip"
)

// TestKillAll runs in a helper (it would otherwise kill the children of
// every parallel test): a cooperative child must die by SIGTERM, a child and
// an orphan that ignore SIGTERM by SIGKILL after the grace, and nothing may
// be left below the helper. The helper runs as a subreaper (walking /proc)
// and, where unshare(1) can make it so, as PID 1 of a new PID namespace
// (kill(-1)).
func TestKillAll(t *testing.T) {
	t.Parallel()
	t.Run("subreaper", func(t *testing.T) {
		t.Parallel()
		testKillAll(t, helperCmd("killall"))
	})
	t.Run("pid1", func(t *testing.T) {
		t.Parallel()
		skip.Root(t, "a PID namespace")
		if _, err := os.Stat("/usr/bin/unshare"); err != nil {
			skip.OrFail(t, "no unshare(1)")
		}
		c := helperCmd("killall")
		c.Args = append([]string{"unshare", "--pid", "--fork", "--mount-proc", "--kill-child", os.Args[0]}, c.Args[1:]...)
		c.Path = "/usr/bin/unshare"
		testKillAll(t, c)
	})
}

func testKillAll(t *testing.T, c Cmd) {
	out, sink := spawnReading(t, c)
	got := map[string]string{}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), " ")
		got[k] = v
	}
	if e := receive(t, sink, "killall helper"); e.Code != 0 {
		t.Fatalf("helper: %v (output %v)", e, got)
	}
	want := map[string]string{
		"pid1":     strconv.FormatBool(c.Path == "/usr/bin/unshare"),
		"killed":   "2 err <nil>",
		"coop":     "killed by SIGTERM",
		"stubborn": "killed by SIGKILL",
		"left":     "0 <nil>",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
	orphan, err := strconv.Atoi(got["orphan"])
	if err != nil || orphan <= 0 {
		t.Fatalf("no orphan pid in %v", got)
	}
}

// With no child left (the usual end: every program reaped), KillAll has
// nothing to end and must say so without reading /proc, as subreaper and
// as PID 1: listing it was most of a container's exit.
func TestKillAllWithoutChildrenReadsNoProc(t *testing.T) {
	t.Parallel()
	cmds := map[string]Cmd{"subreaper": helperCmd("killall-empty")}
	if os.Geteuid() == 0 {
		if _, err := os.Stat("/usr/bin/unshare"); err == nil {
			c := helperCmd("killall-empty")
			c.Args = append([]string{"unshare", "--pid", "--fork", "--mount-proc", "--kill-child", os.Args[0]}, c.Args[1:]...)
			c.Path = "/usr/bin/unshare"
			cmds["pid1"] = c
		}
	}
	for name, c := range cmds {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out, sink := spawnReading(t, c)
			b, _ := io.ReadAll(out)
			if e := receive(t, sink, "killall-empty helper"); e.Code != 0 || string(b) != "killed 0 err <nil> proc opens 0\n" {
				t.Errorf("helper %v, output %q; want killed 0, no error and no /proc open", e, b)
			}
		})
	}
}

// countingFS counts the files opened through it.
type countingFS struct {
	fs.FS
	opens atomic.Int64
}

func (c *countingFS) Open(name string) (fs.File, error) {
	c.opens.Add(1)
	return c.FS.Open(name)
}

func helperKillAllEmpty() error {
	proc := &countingFS{FS: os.DirFS("/proc")}
	r, err := NewReaper(Options{Proc: proc})
	if err != nil {
		return err
	}
	if err := r.Start(); err != nil {
		return err
	}
	sink := make(chan Exit, 1)
	if _, err := r.Spawn(Cmd{Path: "/bin/true"}, sink); err != nil {
		return err
	}
	<-sink
	proc.opens.Store(0)
	killed, err := r.KillAll(time.Second)
	fmt.Printf("killed %d err %v proc opens %d\n", killed, err, proc.opens.Load())
	return nil
}
