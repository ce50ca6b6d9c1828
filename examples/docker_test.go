package examples_test

import (
	"os/exec"
	"strings"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// busyboxSpec is the appstart.toml of the scratch image: a busybox httpd as
// cloudron, a secret and a first_run trace on the data volume.
const busyboxSpec = `user = "cloudron"

[[secrets]]
name = "APP_SECRET"
file = "/app/data/.app_secret"

[[chown]]
path = "/app/data"
owner = "cloudron:cloudron"

[first_run]
commands = [["/bin/busybox", "sh", "-c", "echo initialised >> /app/data/first_run.log"]]

[programs.httpd]
command = ["/bin/busybox", "httpd", "-f", "-p", "3000", "-h", "/app/code/www"]
ready = "tcp://127.0.0.1:3000"
`

// TestDockerScratchImage builds a FROM scratch image holding only the static
// appstart, a static busybox and the package's files, and runs it the
// platform's way (read-only root, tmpfs /run and /tmp, a named volume as
// /app/data, 128m RAM of 256m with swap): it serves, `docker stop` ends it
// with exit 0 long before the grace period, and a second container over the
// same volume keeps the secret and does not repeat first_run.
func TestDockerScratchImage(t *testing.T) {
	t.Parallel()
	d := harness.Docker(t)
	files := harness.BusyboxFiles()
	for p, f := range map[string]harness.ImageFile{
		"/usr/local/bin/appstart":  {From: harness.Binary(t)},
		"/app/pkg/appstart.toml":   {Content: busyboxSpec},
		"/app/code/www/index.html": {Content: "hello from a scratch image\n"},
		"/etc/passwd":              {Content: "root:x:0:0:root:/root:/bin/sh\ncloudron:x:1000:1000:Cloudron:/app/data:/bin/sh\n"},
		"/etc/group":               {Content: "root:x:0:\ncloudron:x:1000:\n"},
	} {
		files[p] = f
	}
	img := d.BuildScratchImage("appstart-busybox", files, []string{"/usr/local/bin/appstart"})

	// The Dockerfiles' `RUN appstart check`, against the image itself.
	check := d.RunContainer(harness.RunOptions{Image: img, Args: []string{"/usr/local/bin/appstart", "check"}})
	if code := check.Wait(time.Minute); code != 0 {
		out, errOut := check.Logs()
		t.Fatalf("appstart check in the image: exit %d\n%s%s", code, out, errOut)
	}

	vol := d.Volume()
	var secret string
	for run := 1; run <= 2; run++ {
		c := d.RunContainer(harness.PlatformRunOptions(img, vol))
		c.WaitForOutput("httpd: ready", startTimeout)
		if r := c.Exec("/bin/busybox", "wget", "-qO-", "http://127.0.0.1:3000/"); r.ExitCode != 0 || r.Stdout != "hello from a scratch image\n" {
			t.Fatalf("run %d: wget = exit %d, %q %s", run, r.ExitCode, r.Stdout, r.Stderr)
		}
		r := c.Exec("/bin/busybox", "cat", "/app/data/.app_secret", "/app/data/first_run.log")
		if r.ExitCode != 0 {
			t.Fatalf("run %d: cat: %s", run, r.Stderr)
		}
		if run == 1 {
			secret = r.Stdout
		} else if r.Stdout != secret {
			t.Errorf("the data volume changed over a restart:\nbefore %q\nafter  %q", secret, r.Stdout)
		}
		if n := strings.Count(r.Stdout, "initialised"); n != 1 {
			t.Errorf("run %d: first_run ran %d times, want once", run, n)
		}
		s := c.Stop(stopLimit)
		if s.ExitCode != 0 || s.Duration >= stopLimit/2 {
			out, errOut := c.Logs()
			t.Fatalf("run %d: docker stop: exit %d after %s, want 0 well within %s\n%s%s", run, s.ExitCode, s.Duration, stopLimit, out, errOut)
		}
		t.Logf("run %d: docker stop took %s", run, s.Duration.Round(time.Millisecond))
	}

	// A local `docker run -t`: writable root, no volume (appstart makes
	// /app/data), a terminal; Ctrl-C arrives as SIGINT and stops it cleanly.
	c := d.RunContainer(harness.RunOptions{Image: img, Flags: []string{"-t"}})
	c.WaitForOutput("httpd: ready", startTimeout)
	if r := c.Exec("/bin/busybox", "wget", "-qO-", "http://127.0.0.1:3000/"); r.ExitCode != 0 {
		t.Fatalf("local run: wget exit %d %s", r.ExitCode, r.Stderr)
	}
	out, _ := c.Logs()
	if !strings.Contains(out, "created /app/data") {
		t.Errorf("local run without a volume: no word of /app/data being made:\n%s", out)
	}
	if err := exec.Command("docker", "kill", "-s", "INT", c.Name).Run(); err != nil {
		t.Fatal(err)
	}
	if code := c.Wait(stopLimit); code != 0 {
		out, errOut := c.Logs()
		t.Fatalf("local run: exit %d after SIGINT, want 0\n%s%s", code, out, errOut)
	}
}
