package proc

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"

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
	out, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	c.Stdout = w
	sink := make(chan Exit, 1)
	if _, err := testReaper.Spawn(c, sink); err != nil {
		t.Fatal(err)
	}
	w.Close()
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
