package app_test

import (
	"testing"
	"time"
)

// The README's exit code table, row by row, through the real binary.
func TestExitCodes(t *testing.T) {
	for _, tc := range []struct {
		name, spec string
		want       int
	}{
		{"the last one-shot program's code", `
[programs.job]
command = "sleep 0.3; exit 5"
autorestart = "never"
[programs.short]
command = "exit 0"
autorestart = "never"
`, 5},
		{"128+signal for a program killed by a signal", `
[programs.job]
command = "kill -SEGV $$"
autorestart = "never"
`, 128 + 11},
		// A command the image lacks is refused before any stage (exit 1,
		// as check refuses it); 127 and 126 remain for one that a stage was
		// to make in a writable directory, found missing or unexecutable
		// when the program starts.
		{"1 for a command the image lacks, before any stage", `
[programs.job]
command = ["/no/such/program"]
startretries = 0
`, 1},
		{"127 for a command a stage was to make that is not found", `
[[dirs]]
path = "/run/bin"
[programs.job]
command = ["/run/bin/job"]
startretries = 0
`, 127},
		{"126 for a command a stage made that is not executable", `
[[dirs]]
path = "/run/bin"
[[on_start]]
command = "echo 'echo hi' > /run/bin/job"
[programs.job]
command = ["/run/bin/job"]
startretries = 0
`, 126},
		{"a program that gave up: its code", `
[programs.job]
command = "exit 9"
startretries = 1
startsecs = 1
autorestart = "unexpected"
[programs.web]
command = ["sleep", "300"]
`, 9},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := container(t, `user = "root"`+tc.spec, nil)
			if r := c.Wait(20 * time.Second); r.ExitCode != tc.want {
				t.Fatalf("exit %d, want %d\n%s", r.ExitCode, tc.want, r.Stderr)
			}
		})
	}
}
