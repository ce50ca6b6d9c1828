package examples_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"

	"appstart/runtime/harness"
)

// TestApache runs Apache with mod_php in the foreground on port 3000: its
// variables from [env], its files under /run, its access log followed to
// stdout, a seeded file, a secret passed to PHP, first_run once per volume.
func TestApache(t *testing.T) {
	t.Parallel()
	harness.RequireCommands(t, "apache2")
	e := example{name: "apache"}
	o := e.options(t)
	c := harness.Run(t, o)
	c.WaitForOutput("apache: ready", startTimeout)
	b := newBrowser(t, c)
	body := b.get("/", 200)
	key := strings.TrimSpace(readData(t, c, ".app_key"))
	sum := sha256.Sum256([]byte(key))
	want := map[string]string{
		"visits": "1", "guests": "appstart", "session views": "1", "user": "www-data",
		"welcome":    "Welcome! Edit /app/data/welcome.txt: appstart copied it from the image once and never overwrites it.",
		"key sha256": hex.EncodeToString(sum[:]),
	}
	for name, w := range want {
		if got := field(t, body, name); got != w {
			t.Errorf("first GET /: %s = %q, want %q", name, got, w)
		}
	}
	body = b.post("/?from=test", url.Values{"name": {"tester"}}, 200)
	if field(t, body, "guests") != "appstart, tester" || field(t, body, "session views") != "2" {
		t.Fatalf("POST / did not sign the guest book or keep the session:\n%s", body)
	}
	// The access log is a file under /run, followed to stdout with the program's prefix.
	c.WaitForOutput(`"POST /?from=test HTTP/1.1" 200`, startTimeout)
	// The user's edit of a seeded file survives: seed copies only where missing.
	if r := c.Exec("/bin/sh", "-c", "echo edited by the user > /app/data/welcome.txt"); r.ExitCode != 0 {
		t.Fatal(r.Stderr)
	}
	r := stop(t, c)
	if l := lineWith(r.Stdout, `"POST /?from=test HTTP/1.1" 200`); !strings.HasPrefix(l, "apache | 127.0.0.1 ") {
		t.Errorf("access line %q, want it prefixed with the program's name", l)
	}

	o.DataDir = c.DataDir()
	c = harness.Run(t, o)
	c.WaitForOutput("apache: ready", startTimeout)
	body = newBrowser(t, c).get("/?second=start", 200)
	// Apache logs a request after answering it, so the line is awaited.
	c.WaitForOutput(`"GET /?second=start HTTP/1.1" 200`, startTimeout)
	want = map[string]string{"visits": "3", "guests": "appstart, tester", "welcome": "edited by the user", "key sha256": want["key sha256"]}
	for name, w := range want {
		if got := field(t, body, name); got != w {
			t.Errorf("after a restart: %s = %q, want %q", name, got, w)
		}
	}
	stop(t, c)
	if got := readData(t, c, "first_run.log"); lines(got, "installed") != 1 {
		t.Fatalf("first_run ran %d times, want once:\n%s", lines(got, "installed"), got)
	}
}

// lineWith returns the first line of s holding substr, or "".
func lineWith(s, substr string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			return l
		}
	}
	return ""
}
