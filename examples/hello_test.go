package examples_test

import (
	"strconv"
	"strings"
	"testing"

	"appstart/runtime/harness"
)

// TestHello runs the smallest package: one node server as cloudron, its
// output passed through unprefixed, a visit counter on the data volume that
// a second container over the same volume continues.
func TestHello(t *testing.T) {
	t.Parallel()
	harness.RequireCommands(t, "node")
	e := example{name: "hello", pkgAsCode: true}
	o := e.options(t)
	c := harness.Run(t, o)
	c.WaitForOutput("web: ready", startTimeout)
	body := newBrowser(t, c).get("/", 200)
	if want := "as uid " + strconv.Itoa(c.UID()) + ", visit 1"; !strings.Contains(body, want) {
		t.Fatalf("GET / = %q, want it to contain %q (the server runs as cloudron)", body, want)
	}
	if got := readData(t, c, "visits"); got != "1" {
		t.Fatalf("visit counter on the data volume = %q, want 1", got)
	}
	r := stop(t, c)
	// One program: its bytes pass through unprefixed.
	if !strings.Contains(r.Stdout, "listening on :3000\n") || strings.Contains(r.Stdout, "web |") {
		t.Fatalf("stdout = %q, want the server's lines unprefixed", r.Stdout)
	}

	o.DataDir = c.DataDir()
	c = harness.Run(t, o)
	c.WaitForOutput("web: ready", startTimeout)
	if body := newBrowser(t, c).get("/", 200); !strings.Contains(body, ", visit 2") {
		t.Fatalf("after a restart GET / = %q, want visit 2 (the volume survived)", body)
	}
	stop(t, c)
}
