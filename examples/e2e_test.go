package examples_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// baseImageEnv names the base image built by testdata/e2e/base-image.sh;
// `make e2e` sets it to the tag the script printed, keyed by its package list.
const baseImageEnv = "E2E_BASE_IMAGE"

// summaryEnv names a file the summary table is also written to.
const summaryEnv = "E2E_SUMMARY"

// e2eEnv is what every example's run shares: the base image and the
// network the app and its addon containers join.
type e2eEnv struct {
	base    string
	network string
}

// e2eCase is one example under `make e2e`: its image is run twice over one
// volume, the platform's way; check runs against each run once it is ready.
type e2eCase struct {
	name  string
	ready string // the line of appstart's that says the app serves, e.g. "web: ready"
	env   []string
	// opts adjusts the flags of run 1 or 2 (workers sizes itself anew from
	// a larger limit on the second run).
	opts func(run int, o *harness.RunOptions)
	// secret is a secret file that must be the same in both runs; firstRun
	// is a file where first_run writes one line holding firstRunMark.
	secret, firstRun, firstRunMark string
	// readyWithin bounds the wait for ready; 0 is startTimeout. A Rails
	// first run (migrate, default data) takes over a minute when the
	// machine is busy.
	readyWithin time.Duration
	check       func(t *testing.T, run int, c *harness.DockerContainer, b *browser)
	after       func(t *testing.T) // once both runs have stopped
}

// TestE2EExamples runs every example in a real Docker image built FROM the
// debootstrapped Debian base (testdata/e2e/base-image.sh) with the static
// appstart, laid out by the example's own Dockerfile: `RUN appstart check`
// passes at build time, then each image runs twice over one named volume
// with the platform's flags (read-only root, tmpfs /run and /tmp, 128m RAM
// of 256m with swap), answers HTTP from the host through its bridge address,
// and `docker stop` ends it with exit 0 well inside the 10 s grace; the
// second run proves first_run ran once and the secrets stayed. The examples
// run one after the other so the timings of one do not include another's
// start. A markdown table of the timings ends the log (and $E2E_SUMMARY).
func TestE2EExamples(t *testing.T) {
	harness.RequireE2E(t)
	d := harness.Docker(t)
	env := e2eEnv{base: os.Getenv(baseImageEnv), network: fmt.Sprintf("appstart-e2e-net-%d", os.Getpid())}
	if env.base == "" {
		env.base = "appstart-e2e-base:latest"
	}
	if !imageExists(env.base) {
		t.Fatalf("no base image %s: build it with testdata/e2e/base-image.sh as root (make e2e does)", env.base)
	}
	d.Run("network", "create", env.network)
	t.Cleanup(func() { d.Run("network", "rm", env.network) })

	cases := map[string]func(*testing.T, e2eEnv) e2eCase{
		"hello": helloE2E, "nginx-php": nginxPHPE2E, "apache": apacheE2E, "workers": workersE2E,
		"mediawiki": mediawikiE2E, "wordpress": wordpressE2E, "redmine": redmineE2E,
	}
	var sum e2eSummary
	start := time.Now()
	for _, name := range examples {
		t.Run(name, func(t *testing.T) {
			row := sum.row(name)
			defer func() { row.failed = t.Failed() }()
			runE2E(t, env, cases[name](t, env), row)
		})
	}
	table := sum.markdown()
	t.Logf("base image %s, %d examples in %s:\n%s", env.base, len(examples), time.Since(start).Round(time.Second), table)
	if path := os.Getenv(summaryEnv); path != "" {
		if err := os.WriteFile(path, []byte(table), 0o644); err != nil {
			t.Errorf("cannot write the summary: %v", err)
		}
	}
}

// runE2E builds c's image and runs it twice over one volume, filling row.
func runE2E(t *testing.T, env e2eEnv, c e2eCase, row *e2eRow) {
	d := harness.Docker(t)
	img, took := buildExampleImage(t, d, c.name, env.base)
	row.build = took
	vol := d.Volume()
	var secret string
	for run := 1; run <= 2; run++ {
		o := harness.PlatformRunOptions(img, vol)
		o.Env = c.env
		o.Flags = []string{"--network", env.network}
		if c.opts != nil {
			c.opts(run, &o)
		}
		start := time.Now()
		ctr := d.RunContainer(o)
		within := startTimeout
		if c.readyWithin > 0 {
			within = c.readyWithin
		}
		ctr.WaitForOutput(c.ready, within)
		row.ready[run-1] = time.Since(start)

		c.check(t, run, ctr, dockerBrowser(t, d, ctr, env.network))
		if c.secret != "" {
			s := catIn(t, ctr, c.secret)
			if run == 1 {
				secret = s
			} else if s != secret {
				t.Errorf("run 2: %s changed over a restart on the same volume:\nbefore %q\nafter  %q", c.secret, secret, s)
			}
		}
		if c.firstRun != "" {
			if got := catIn(t, ctr, c.firstRun); lines(got, c.firstRunMark) != 1 {
				t.Errorf("run %d: first_run ran %d times, want once:\n%s", run, lines(got, c.firstRunMark), got)
			}
		}

		s := ctr.Stop(stopLimit)
		row.stop[run-1], row.exit[run-1], row.stopped[run-1] = s.Duration, s.ExitCode, true
		if s.ExitCode != 0 || s.Duration >= stopLimit {
			out, errOut := ctr.Logs()
			t.Fatalf("run %d: docker stop: exit %d after %s, want 0 within the %s grace\nstdout:\n%s\nstderr:\n%s",
				run, s.ExitCode, s.Duration, stopLimit, out, errOut)
		}
		t.Logf("run %d: ready %s after docker run, docker stop took %s", run,
			row.ready[run-1].Round(time.Millisecond), s.Duration.Round(time.Millisecond))
	}
	if c.after != nil {
		c.after(t)
	}
}

// dockerBrowser is a browser whose requests for 127.0.0.1:PORT go to the
// container's address on network instead, so the examples' helpers (get,
// post, field, checkWorkers) work unchanged and the app sees the Host header
// it sees in the harness tests. Keep-alive is off: an idle connection from
// the test must not hold a server's graceful stop (node's server.close
// waits for it).
func dockerBrowser(t *testing.T, d *harness.DockerClient, c *harness.DockerContainer, network string) *browser {
	t.Helper()
	ip := strings.TrimSpace(d.Run("inspect", "--format",
		fmt.Sprintf(`{{(index .NetworkSettings.Networks %q).IPAddress}}`, network), c.Name))
	if net.ParseIP(ip) == nil {
		t.Fatalf("container %s has no address on %s: %q", c.Name, network, ip)
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	var dialer net.Dialer
	tr := &http.Transport{
		DisableKeepAlives: true,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			_, port, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			return dialer.DialContext(ctx, network, net.JoinHostPort(ip, port))
		},
	}
	return &browser{t: t, client: &http.Client{Jar: jar, Transport: tr, Timeout: 30 * time.Second}}
}

// catIn returns a file of the running container.
func catIn(t *testing.T, c *harness.DockerContainer, path string) string {
	t.Helper()
	r := c.Exec("cat", path)
	if r.ExitCode != 0 {
		t.Fatalf("cat %s in %s: exit %d: %s", path, c.Name, r.ExitCode, r.Stderr)
	}
	return r.Stdout
}

// imageExists asks the engine whether ref exists (the harness's Run would
// fail the test instead of answering).
func imageExists(ref string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), harness.DockerTimeout)
	defer cancel()
	return exec.CommandContext(ctx, "docker", "image", "inspect", ref).Run() == nil
}
