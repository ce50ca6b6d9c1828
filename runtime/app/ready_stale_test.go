package app_test

import (
	"strings"
	"testing"
	"time"
)

// A ready file left by the process before (php-fpm's socket after a crash)
// is not this start being ready (here one made half a second before the
// start, as by a crashed process): the dependent waits until the program
// makes it again. The old binary started web at once on the stale file.
func TestStaleReadyFileDoesNotReleaseDependents(t *testing.T) {
	// web itself looks for the mark db leaves right before its ready file:
	// the order of the two programs' lines on stdout is not evidence (each
	// has its own pipe, forwarded as it is read; CI under load once printed
	// web's first).
	spec := `user = "root"
[[dirs]]
path = "/run/app"
[[on_start]]
command = "touch /run/app/ready; sleep 0.5"
[programs.db]
command = "sleep 1.5; touch /run/app/db-made; touch /run/app/ready; exec sleep 300"
ready = "file:/run/app/ready"
[programs.web]
command = "if [ -e /run/app/db-made ]; then echo web started after db; else echo web started early; fi; exec sleep 300"
after = ["db"]
`
	c := container(t, spec, nil)
	c.WaitForOutput("web started", 15*time.Second)
	if out := c.Stdout(); !strings.Contains(out, "web started after db") {
		t.Fatalf("web started before db made its ready file (on the file the start found):\n%s", out)
	}
	stopped(t, c)
}
