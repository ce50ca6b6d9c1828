package examples_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	"appstart/runtime/harness"
)

// pgPassword holds the characters that break sed-based start scripts and
// naive quoting: ' / & \ $.
const pgPassword = `it's/a&b\c$d`

// TestNginxPHP runs nginx in front of php-fpm against a real PostgreSQL:
// php-fpm is ready (its socket exists) before nginx starts, database.php is
// rendered with PHP escaping, first_run creates the schema once, on_start
// migrates on every start, a page reads and writes rows and keeps a session
// under /run, and the salt secret survives a restart.
func TestNginxPHP(t *testing.T) {
	t.Parallel()
	harness.RequireCommands(t, "nginx", "php-fpm8.2", "php")
	pg := startPostgres(t)
	pg.createDatabase(t, "app", pgPassword, "app")

	e := example{name: "nginx-php"}
	o := e.options(t)
	o.Env = append(append([]string{}, harness.DefaultEnv...), pg.env("/app/pgsql", "app", pgPassword, "app")...)
	o.Mounts = append(o.Mounts, harness.Mount{Source: pg.SocketDir, Target: "/app/pgsql"})

	// First start: schema, migrations 2 and 3, one start recorded.
	c := harness.Run(t, o)
	c.WaitForOutput("nginx: ready", startTimeout)
	if out := c.Stdout() + c.Stderr(); strings.Index(out, "php: ready") > strings.Index(out, "nginx: started") {
		t.Fatalf("nginx started before php-fpm was ready:\n%s", out)
	}
	rendered, err := os.ReadFile(c.HostPath("/run/app/database.php"))
	if err != nil {
		t.Fatal(err)
	}
	if want := `'password' => 'it\'s/a&b\\c$d',`; !strings.Contains(string(rendered), want) {
		t.Fatalf("database.php lacks %s (escape = \"php\"):\n%s", want, rendered)
	}
	b := newBrowser(t, c)
	if body := b.get("/healthz", 200); body != "ok\n" {
		t.Fatalf("GET /healthz = %q", body)
	}
	body := b.get("/", 200)
	for name, want := range map[string]string{"notes": "1", "schema": "3", "starts": "1", "session views": "1", "user": "www-data"} {
		if got := field(t, body, name); got != want {
			t.Errorf("first GET /: %s = %q, want %q\n%s", name, got, want, body)
		}
	}
	body = b.post("/", url.Values{"body": {"written by the test"}}, 200)
	if field(t, body, "notes") != "2" || !strings.Contains(body, "- written by the test\n") || field(t, body, "session views") != "2" {
		t.Fatalf("POST / did not add the row or keep the session:\n%s", body)
	}
	salt := strings.TrimSpace(readData(t, c, ".salt"))
	sum := sha256.Sum256([]byte(salt))
	if got := field(t, body, "salt sha256"); got != hex.EncodeToString(sum[:]) || salt == "" {
		t.Fatalf("salt sha256 on the page = %s, want the hash of /app/data/.salt %q", got, salt)
	}
	// nginx logs a request after answering it: wait for the line (a lost
	// line fails here) before stopping.
	c.WaitForOutput(`"POST / HTTP/1.1" 200`, startTimeout)
	r := stop(t, c)
	// Two programs: their lines are prefixed; nginx's access line is there.
	if !strings.Contains(r.Stdout, `nginx | 127.0.0.1 - - [`) || !strings.Contains(r.Stdout, `"POST / HTTP/1.1" 200`) {
		t.Errorf("stdout lacks nginx's prefixed access log:\n%s", r.Stdout)
	}

	// Second start over the same volume and database.
	o.DataDir = c.DataDir()
	c = harness.Run(t, o)
	c.WaitForOutput("nginx: ready", startTimeout)
	body = newBrowser(t, c).get("/", 200)
	if field(t, body, "starts") != "2" || field(t, body, "schema") != "3" || !strings.Contains(body, "- written by the test\n") {
		t.Fatalf("after a restart GET / = \n%s\nwant starts 2, schema 3 and the row written before", body)
	}
	if got := field(t, body, "salt sha256"); got != hex.EncodeToString(sum[:]) {
		t.Fatalf("the salt changed over a restart: page hash %s", got)
	}
	stop(t, c)
	if got := readData(t, c, "first_run.log"); lines(got, "schema created") != 1 {
		t.Fatalf("first_run ran %d times, want once:\n%s", lines(got, "schema created"), got)
	}
	// The database agrees, seen from outside over TCP.
	if got := pg.query(t, "app", "SELECT count(*) FROM starts"); got != "2" {
		t.Fatalf("starts rows = %s, want 2", got)
	}
}
