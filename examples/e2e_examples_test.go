package examples_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"appstart/runtime/harness"
)

// The examples under `make e2e`: each checks, in Docker, the core of what
// its harness test checks (<example>_test.go), plus what only Docker shows
// (the platform's memory flags, an addon reached by name over a network).

// helloE2E: the node server answers as cloudron (uid 1000) from the host
// and, through busybox wget, from inside the container; its lines pass
// through unprefixed; the visit counter on the volume continues in run 2.
func helloE2E(*testing.T, e2eEnv) e2eCase {
	return e2eCase{name: "hello", ready: "web: ready",
		check: func(t *testing.T, run int, c *harness.DockerContainer, b *browser) {
			want := fmt.Sprintf("as uid 1000, visit %d", run)
			if body := b.get("/", 200); !strings.Contains(body, want) {
				t.Errorf("run %d: GET / = %q, want it to contain %q", run, body, want)
			}
			if r := c.Exec("busybox", "wget", "-qO-", "http://127.0.0.1:3000/healthz"); r.ExitCode != 0 || r.Stdout != "ok\n" {
				t.Errorf("run %d: wget inside the container: exit %d, %q %s", run, r.ExitCode, r.Stdout, r.Stderr)
			}
			c.WaitForOutput("listening on :3000", startTimeout)
			if out, _ := c.Logs(); !strings.Contains(out, "listening on :3000\n") || strings.Contains(out, "web |") {
				t.Errorf("run %d: stdout = %q, want the server's lines unprefixed", run, out)
			}
		}}
}

// nginxPHPE2E: nginx and php-fpm against PostgreSQL in a second container,
// reached as host "postgresql" with a password holding ' / & \ $; the schema
// is created once, on_start counts the starts, rows and the salt survive.
func nginxPHPE2E(t *testing.T, env e2eEnv) e2eCase {
	pg := startDockerPostgres(t, harness.Docker(t), env.base, env.network)
	pg.createDatabase(t, "app", pgPassword, "app")
	var saltSum string
	return e2eCase{name: "nginx-php", ready: "nginx: ready", env: pg.env("app", pgPassword, "app"),
		secret: "/app/data/.salt", firstRun: "/app/data/first_run.log", firstRunMark: "schema created",
		check: func(t *testing.T, run int, c *harness.DockerContainer, b *browser) {
			if run == 2 {
				body := b.get("/", 200)
				if field(t, body, "starts") != "2" || field(t, body, "schema") != "3" || !strings.Contains(body, "- written in Docker\n") {
					t.Fatalf("run 2: GET / =\n%s\nwant starts 2, schema 3 and the row written in run 1", body)
				}
				if got := field(t, body, "salt sha256"); got != saltSum {
					t.Errorf("run 2: the salt changed: page hash %s, was %s", got, saltSum)
				}
				return
			}
			rendered := catIn(t, c, "/run/app/database.php")
			for _, want := range []string{`'host' => 'postgresql',`, `'password' => 'it\'s/a&b\\c$d',`} {
				if !strings.Contains(rendered, want) {
					t.Fatalf("database.php lacks %s:\n%s", want, rendered)
				}
			}
			if body := b.get("/healthz", 200); body != "ok\n" {
				t.Fatalf("GET /healthz = %q", body)
			}
			body := b.get("/", 200)
			for name, want := range map[string]string{"notes": "1", "schema": "3", "starts": "1", "session views": "1", "user": "www-data"} {
				if got := field(t, body, name); got != want {
					t.Errorf("run 1: GET /: %s = %q, want %q", name, got, want)
				}
			}
			body = b.post("/", url.Values{"body": {"written in Docker"}}, 200)
			if field(t, body, "notes") != "2" || field(t, body, "session views") != "2" {
				t.Fatalf("POST / did not add the row or keep the session:\n%s", body)
			}
			sum := sha256.Sum256([]byte(strings.TrimSpace(catIn(t, c, "/app/data/.salt"))))
			if saltSum = field(t, body, "salt sha256"); saltSum != hex.EncodeToString(sum[:]) {
				t.Errorf("salt sha256 on the page %s is not the hash of /app/data/.salt", saltSum)
			}
			c.WaitForOutput(`"POST / HTTP/1.1" 200`, startTimeout)
			if out, _ := c.Logs(); !strings.HasPrefix(lineWith(out, `"POST / HTTP/1.1" 200`), "nginx | ") {
				t.Errorf("nginx's access line is not on stdout with its prefix:\n%s", out)
			}
		},
		after: func(t *testing.T) {
			if got := pg.query(t, "app", "SELECT count(*) FROM starts"); got != "2" {
				t.Errorf("starts rows in PostgreSQL = %s, want 2", got)
			}
		},
	}
}

// apacheE2E: Apache with mod_php as www-data, a seeded file, the key secret
// passed to PHP, the access log under /run followed to stdout with the
// program's prefix, the guest book kept on the volume.
func apacheE2E(*testing.T, e2eEnv) e2eCase {
	var keySum string
	return e2eCase{name: "apache", ready: "apache: ready",
		secret: "/app/data/.app_key", firstRun: "/app/data/first_run.log", firstRunMark: "installed",
		check: func(t *testing.T, run int, c *harness.DockerContainer, b *browser) {
			if run == 2 {
				body := b.get("/", 200)
				for name, want := range map[string]string{"visits": "3", "guests": "appstart, docker", "key sha256": keySum} {
					if got := field(t, body, name); got != want {
						t.Errorf("run 2: %s = %q, want %q", name, got, want)
					}
				}
				return
			}
			sum := sha256.Sum256([]byte(strings.TrimSpace(catIn(t, c, "/app/data/.app_key"))))
			keySum = hex.EncodeToString(sum[:])
			body := b.get("/", 200)
			for name, want := range map[string]string{"visits": "1", "guests": "appstart", "user": "www-data", "key sha256": keySum} {
				if got := field(t, body, name); got != want {
					t.Errorf("run 1: %s = %q, want %q", name, got, want)
				}
			}
			if w := field(t, body, "welcome"); !strings.HasPrefix(w, "Welcome! Edit /app/data/welcome.txt") {
				t.Errorf("run 1: welcome = %q, want the seeded file", w)
			}
			body = b.post("/?from=e2e", url.Values{"name": {"docker"}}, 200)
			if field(t, body, "guests") != "appstart, docker" || field(t, body, "session views") != "2" {
				t.Fatalf("POST / did not sign the guest book or keep the session:\n%s", body)
			}
			c.WaitForOutput(`"POST /?from=e2e HTTP/1.1" 200`, startTimeout)
			if out, _ := c.Logs(); !strings.HasPrefix(lineWith(out, `"POST /?from=e2e HTTP/1.1" 200`), "apache | ") {
				t.Errorf("the access log under /run is not followed to stdout with the program's prefix:\n%s", out)
			}
		}}
}

// workersE2E: the worker count follows Docker's memory limit as the cgroup
// v1 files show it inside the container (128m: 1 worker; 256m on run 2: 2),
// the job runner works the welcome job first_run queued and the jobs the
// test queues with the API token, which stays the same in run 2.
func workersE2E(*testing.T, e2eEnv) e2eCase {
	return e2eCase{name: "workers", ready: "web: ready",
		secret: "/app/data/.api_token", firstRun: "/app/data/first_run.log", firstRunMark: "initialised",
		opts: func(run int, o *harness.RunOptions) {
			if run == 2 {
				o.Memory, o.MemorySwap = "256m", "512m" // a manifest memoryLimit of 512 MiB
			}
		},
		check: func(t *testing.T, run int, c *harness.DockerContainer, b *browser) {
			n := run // 128 MiB / 96M = 1, 256 MiB / 96M = 2
			if _, errOut := c.Logs(); !strings.Contains(errOut, fmt.Sprintf("workers=%d from %dMiB", n, 128*n)) {
				t.Errorf("run %d: stderr lacks the sizing \"workers=%d from %dMiB\":\n%s", run, n, 128*n, errOut)
			}
			checkWorkers(t, b, n)
			if run == 1 {
				c.WaitForOutput("jobs | runner: job welcome done", startTimeout)
			}
			token := strings.TrimSpace(catIn(t, c, "/app/data/.api_token"))
			if run == 1 {
				enqueue(t, b, "nobody-knows-it", "stolen", http.StatusUnauthorized)
			}
			job := fmt.Sprintf("docker-%d", run)
			enqueue(t, b, token, job, http.StatusOK)
			c.WaitForOutput("jobs | runner: job "+job+" done", startTimeout)
			if run == 2 {
				if got, want := field(t, b.get("/status", 200), "done"), "welcome, docker-1, docker-2"; got != want {
					t.Errorf("jobs done = %q, want %q (the welcome job queued once by first_run)", got, want)
				}
			}
		}}
}
