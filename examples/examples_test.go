// Package examples_test runs every example package end to end: the real
// static appstart as PID 1 of a harness container (read-only root, tmpfs
// /run and /tmp, a memory cgroup, the example's directory as /app/pkg and
// its code/ as /app/code), real servers (node, nginx, php-fpm, Apache,
// PostgreSQL), HTTP requests, a restart over the same data directory and a
// SIGTERM stop. The tests of one example live in <example>_test.go; this
// file holds what they share, the `appstart check` of every example, the
// hello example and the Docker image test.
package examples_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// examples are the directories the check test covers; each has a test of its own.
var examples = []string{"hello", "nginx-php", "apache", "workers", "mediawiki", "wordpress", "redmine"}

// stopLimit is the platform's grace between SIGTERM and SIGKILL, with room
// for a loaded machine: a stop must end well within it. Tests do not assert
// tighter timing (speed goes in benchmarks).
const stopLimit = 10 * time.Second

// startTimeout bounds a start on a busy 2-CPU machine: stages, a database
// migration, the servers' readiness.
const startTimeout = 60 * time.Second

// example describes how an example runs in the harness.
type example struct {
	name string
	// pkgAsCode mounts the example directory as /app/code instead of its
	// code/ subdirectory (hello keeps everything in one directory).
	pkgAsCode bool
}

// dir is the example's absolute directory.
func (e example) dir(t testing.TB) string {
	t.Helper()
	d, err := filepath.Abs(e.name)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// options are the harness options that run the example's appstart.toml as
// PID 1 the way its Dockerfile lays the image out: the directory as
// /app/pkg, code/ as /app/code. The binary is /app/bin/appstart rather than
// the Dockerfile's /usr/local/bin/appstart: the harness root is the host's
// own, read-only, and mount points are made only under /app.
func (e example) options(t testing.TB) harness.Options {
	t.Helper()
	d := e.dir(t)
	code := filepath.Join(d, "code")
	if e.pkgAsCode {
		code = d
	}
	o := harness.Options{
		Argv:     []string{"/app/bin/appstart"},
		PkgDir:   d,
		Binaries: map[string]string{"/app/bin/appstart": harness.Binary(t)},
	}
	// A package of a Debian-packaged app (mediawiki) has no code/: its
	// code is the image's own, under /usr/share.
	if _, err := os.Stat(code); err == nil {
		o.Mounts = []harness.Mount{{Source: code, Target: "/app/code"}}
	}
	return o
}

// TestExamplesPassCheck runs `appstart check` on every example inside a
// container laid out like its image, as the Dockerfiles' `RUN appstart check`
// does at build time: the spec, the users, the commands on PATH, the template
// sources and their placeholders.
func TestExamplesPassCheck(t *testing.T) {
	t.Parallel()
	for _, name := range examples {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := example{name: name, pkgAsCode: name == "hello"}
			o := e.options(t)
			o.Argv = []string{"/app/bin/appstart", "check"}
			c := harness.Run(t, o)
			r := c.Wait(startTimeout)
			if r.ExitCode != 0 || !strings.Contains(r.Stdout, ": ok (") {
				t.Fatalf("appstart check exit %d\nstdout: %s\nstderr: %s", r.ExitCode, r.Stdout, r.Stderr)
			}
			if strings.Contains(r.Stderr, "(warning)") {
				t.Errorf("appstart check warns:\n%s", r.Stderr)
			}
			// plan, with stand-in addon values, shows every program and
			// changes nothing on the volume.
			o = e.options(t)
			o.Argv = []string{"/app/bin/appstart", "plan"}
			o.Env = append(append([]string{}, harness.DefaultEnv...), "CLOUDRON_POSTGRESQL_HOST=db", "CLOUDRON_POSTGRESQL_PORT=5432",
				"CLOUDRON_POSTGRESQL_USERNAME=u", "CLOUDRON_POSTGRESQL_PASSWORD=secret-pw-123", "CLOUDRON_POSTGRESQL_DATABASE=d",
				"CLOUDRON_MYSQL_HOST=mysql", "CLOUDRON_MYSQL_PORT=3306", "CLOUDRON_MYSQL_USERNAME=u", "CLOUDRON_MYSQL_PASSWORD=secret-pw-123", "CLOUDRON_MYSQL_DATABASE=d")
			c = harness.Run(t, o)
			r = c.Wait(startTimeout)
			if r.ExitCode != 0 || !strings.Contains(r.Stdout, "programs:") || strings.Contains(r.Stdout, "secret-pw-123") {
				t.Fatalf("appstart plan exit %d\nstdout: %s\nstderr: %s", r.ExitCode, r.Stdout, r.Stderr)
			}
			if entries, _ := os.ReadDir(c.DataDir()); len(entries) != 0 {
				t.Errorf("plan wrote to the volume: %v", entries)
			}
		})
	}
}

// browser is an HTTP client into one container's network namespace, with a
// cookie jar (the PHP examples keep a session).
type browser struct {
	t      *testing.T
	client *http.Client
}

func newBrowser(t *testing.T, c *harness.Container) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	client := *c.HTTPClient()
	client.Jar = jar
	client.Timeout = 30 * time.Second
	return &browser{t: t, client: &client}
}

// get fetches path from port 3000 and returns the body, failing the test
// unless the status is want.
func (b *browser) get(path string, want int) string {
	b.t.Helper()
	resp, err := b.client.Get("http://127.0.0.1:3000" + path)
	return b.read(resp, err, "GET "+path, want)
}

// post sends form to path.
func (b *browser) post(path string, form url.Values, want int) string {
	b.t.Helper()
	resp, err := b.client.PostForm("http://127.0.0.1:3000"+path, form)
	return b.read(resp, err, "POST "+path, want)
}

func (b *browser) read(resp *http.Response, err error, what string, want int) string {
	b.t.Helper()
	if err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatalf("%s: cannot read the body: %v", what, err)
	}
	if resp.StatusCode != want {
		b.t.Fatalf("%s = %d, want %d\n%s", what, resp.StatusCode, want, body)
	}
	return string(body)
}

// stop sends SIGTERM to PID 1 and checks the container ends with exit 0
// inside the platform's grace period. Result.Duration counts from the exec
// of PID 1, so the stop itself is timed from the signal.
func stop(t *testing.T, c *harness.Container) harness.Result {
	t.Helper()
	sent := time.Now()
	c.Signal(syscall.SIGTERM)
	r := c.Wait(2 * stopLimit)
	took := time.Since(sent)
	if r.ExitCode != 0 {
		t.Fatalf("exit after SIGTERM = %d, want 0\nstdout:\n%s\nstderr:\n%s", r.ExitCode, r.Stdout, r.Stderr)
	}
	if took >= stopLimit {
		t.Fatalf("stopped %s after SIGTERM, want within the platform's %s grace\n%s", took, stopLimit, r.Stderr)
	}
	t.Logf("stopped %s after SIGTERM (container ran %s)", took.Round(time.Millisecond), r.Duration.Round(time.Millisecond))
	if testing.Verbose() {
		t.Logf("stdout:\n%s\nstderr:\n%s", r.Stdout, r.Stderr)
	}
	return r
}

// readData reads a file of the data directory, which outlives the container.
func readData(t *testing.T, c *harness.Container, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(c.DataDir(), name))
	if err != nil {
		t.Fatalf("cannot read /app/data/%s: %v", name, err)
	}
	return string(b)
}

// readFile is os.ReadFile as a string.
func readFile(name string) (string, error) {
	b, err := os.ReadFile(name)
	return string(b), err
}

// lines counts the lines of s holding substr.
func lines(s, substr string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			n++
		}
	}
	return n
}

// field returns the value of the "name: value" line of body, or fails.
func field(t *testing.T, body, name string) string {
	t.Helper()
	for _, l := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(l, name+": "); ok {
			return v
		}
	}
	t.Fatalf("no %q line in:\n%s", name, body)
	return ""
}
