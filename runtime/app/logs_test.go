package app_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Three programs each write 2,000 numbered lines as fast as they can; every
// line must arrive whole, once, with its own program's prefix.
func TestChattyProgramsLinesWholeAndPrefixed(t *testing.T) {
	const n = 2000
	prog := func(name string) string {
		return fmt.Sprintf(`[programs.%s]
command = "i=0; while [ $i -lt %d ]; do echo %s-line-$i-abcdefghijklmnopqrstuvwxyz0123456789; i=$((i+1)); done; echo %s-done; exec sleep 300"
`, name, n, name, name)
	}
	c := container(t, "user = \"cloudron\"\n"+prog("a")+prog("b")+prog("c"), nil)
	for _, name := range []string{"a", "b", "c"} {
		c.WaitForOutput(name+" | "+name+"-done", 30*time.Second)
	}
	r := stopped(t, c)
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n") {
		name, rest, ok := strings.Cut(line, " | ")
		if !ok || !strings.HasPrefix(rest, name+"-") {
			t.Fatalf("torn or misprefixed line %q", line)
		}
		if seen[rest] {
			t.Fatalf("line %q twice", rest)
		}
		seen[rest] = true
	}
	for _, name := range []string{"a", "b", "c"} {
		for i := 0; i < n; i++ {
			if l := fmt.Sprintf("%s-line-%d-abcdefghijklmnopqrstuvwxyz0123456789", name, i); !seen[l] {
				t.Fatalf("line %q lost", l)
			}
		}
	}
}

// A log file the program writes is followed to stdout across a rename
// rotation: lines before and after the rotation all arrive.
func TestLogfileFollowedThroughRotation(t *testing.T) {
	spec := `user = "root"
[programs.srv]
command = "trap 'exit 0' TERM; echo before-rotation >> /run/srv.log; while [ ! -e /run/rotate ]; do sleep 0.05; done; mv /run/srv.log /run/srv.log.1; echo after-rotation >> /run/srv.log; while :; do sleep 0.05; done"
logfiles = ["/run/srv.log"]
[programs.other]
command = "trap 'exit 0' TERM; while :; do sleep 0.05; done"
`
	c := container(t, spec, nil)
	c.WaitForOutput("srv | before-rotation", 10*time.Second)
	if r := c.Exec("/bin/sh", "-c", "touch /run/rotate"); r.ExitCode != 0 {
		t.Fatal(r.Stderr)
	}
	c.WaitForOutput("srv | after-rotation", 10*time.Second)
	stopped(t, c)
}

// A program first_run `needs` starts during the stages; its log file is
// followed from its first line, like any program's.
func TestLogfileOfANeededProgramFollowedFromItsStart(t *testing.T) {
	spec := `user = "root"
[first_run]
commands = [["/bin/true"]]
needs = ["db"]
[programs.db]
command = "trap 'exit 0' TERM; echo db-first-line >> /run/db.log; touch /run/db.ready; while :; do sleep 0.05; done"
logfiles = ["/run/db.log"]
ready = "file:/run/db.ready"
`
	c := container(t, spec, nil)
	c.WaitForOutput("db | db-first-line", 10*time.Second)
	stopped(t, c)
}

// log_prefix replaces a program's name in front of its lines, and "" sends
// them bare; the long lines of a program are split at 64 KiB, each piece
// prefixed, so no line is buffered without end.
func TestLogPrefixAndLongLines(t *testing.T) {
	spec := `user = "root"
[programs.a]
command = "echo from-a; exec sleep 300"
log_prefix = "web"
[programs.b]
command = "echo from-b; exec sleep 300"
log_prefix = ""
[programs.c]
command = "head -c 150000 /dev/zero | tr '\\0' x; echo; echo c-done; exec sleep 300"
`
	c := container(t, spec, nil)
	c.WaitForOutput("c | c-done", 10*time.Second)
	c.WaitForOutput("web | from-a", 10*time.Second)
	r := stopped(t, c)
	lines := strings.Split(r.Stdout, "\n")
	if !contains(lines, "from-b") || contains(lines, "b | from-b") {
		t.Errorf("log_prefix = \"\" must leave b's lines bare:\n%.300s", r.Stdout)
	}
	var pieces []int
	for _, l := range lines {
		if rest, ok := strings.CutPrefix(l, "c | "); ok && strings.Trim(rest, "x") == "" {
			pieces = append(pieces, len(rest))
		}
	}
	if len(pieces) != 3 || pieces[0] != 64<<10 || pieces[0]+pieces[1]+pieces[2] != 150000 {
		t.Errorf("a 150,000-byte line came out as pieces of %v bytes, want 65536, 65536, 18928", pieces)
	}
}
