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
	spec := `user = "root"
[[dirs]]
path = "/run/app"
[[on_start]]
command = "touch /run/app/ready; sleep 0.5"
[programs.db]
command = "sleep 1.5; echo db making its ready file; touch /run/app/ready; exec sleep 300"
ready = "file:/run/app/ready"
[programs.web]
command = "echo web started; exec sleep 300"
after = ["db"]
`
	c := container(t, spec, nil)
	c.WaitForOutput("web started", 15*time.Second)
	out := c.Stdout()
	made, started := strings.Index(out, "db making its ready file"), strings.Index(out, "web started")
	if made < 0 || started < made {
		t.Fatalf("web started before db made its ready file (on the file the start found):\n%s", out)
	}
	stopped(t, c)
}
