package stage

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"appstart/runtime/environ"
	"appstart/runtime/proc"
	"appstart/runtime/spec"
)

// The crash test (issue 4, "Done means"): the whole stage sequence runs in a
// re-executed test binary over a temp root, and is killed with SIGKILL at
// random instants spread over it. After every kill the data must be sound:
//
//   - no secret is ever empty, invalid, or different from the value it had
//     the first time it was seen;
//   - the first_run marker never exists unless its last command finished,
//     and the upgrade marker never records a version whose commands (or, on
//     a fresh install, first_run) did not finish;
//   - no seeded file or rendered template is ever seen half-written under its
//     real name; the patched file always parses and keeps the user's keys.
//
// Then a run without a kill completes and leaves everything in place.

const (
	crashSeedFiles = 150
	crashLifecycle = 10 // kills per fresh data directory
)

var crashSpec = `
user = "cloudron"
[env]
DB_PASSWORD = "p@ss/w&rd"
[[dirs]]
path = "%[1]s/run/app"
[[seed]]
from = "%[1]s/img/defaults"
to = "%[1]s/data/defaults"
[[secrets]]
name = "APP_SECRET"
file = "%[1]s/data/.app_secret"
[[secrets]]
name = "SESSION_KEY"
file = "%[1]s/data/.session_key"
encoding = "alnum"
bytes = 48
[[secrets]]
name = "SSH_KEY"
file = "%[1]s/data/.ssh_key"
command = "head -c 600 /dev/urandom | base64 > \"$APPSTART_SECRET_FILE\""
[workers]
per_worker = "64M"
[[templates]]
source = "%[1]s/img/config.tpl"
target = "%[1]s/run/app/config.json"
escape = "json"
[[templates]]
source = "%[1]s/img/config.tpl"
target = "%[1]s/data/config.json"
escape = "json"
[[patch]]
file = "%[1]s/data/user.ini"
set = { "app.secret" = "${APP_SECRET}", "app.workers" = "${WORKERS}" }
[[chown]]
path = "%[1]s/data"
[first_run]
marker = "%[1]s/data/.initialized"
commands = [
  ["sh", "-c", "echo fr1 >> %[1]s/data/log"],
  ["sh", "-c", "echo fr2 >> %[1]s/data/log"],
  ["sh", "-c", "echo fr3:$APP_VERSION >> %[1]s/data/log"],
]
[on_upgrade]
version = "${APP_VERSION}"
marker = "%[1]s/data/.version"
commands = [
  ["sh", "-c", "echo up1:$APPSTART_NEW_VERSION >> %[1]s/data/log"],
  ["sh", "-c", "echo up2:$APPSTART_NEW_VERSION >> %[1]s/data/log"],
]
[[on_start]]
command = ["sh", "-c", "echo start >> %[1]s/data/log"]
`

const crashTemplate = `{"password": "##DB_PASSWORD", "secret": "##APP_SECRET", "workers": ##WORKERS, "pad": "%s"}`

// runHelper runs a role of the re-executed test binary.
func runHelper(role string, args []string) error {
	switch role {
	case "stages":
		return helperStages(args)
	default:
		return fmt.Errorf("unknown helper %q", role)
	}
}

// helperStages runs every stage for the spec at args[0], printing each
// stage's name as it starts.
func helperStages(args []string) error {
	s, err := spec.Load(args[0])
	if err != nil {
		return err
	}
	r, err := proc.NewReaper(proc.Options{})
	if err != nil {
		return err
	}
	if err := r.Start(); err != nil {
		return err
	}
	e := &Env{
		Spec:     s,
		Vars:     environ.New(os.Environ()),
		Runner:   r,
		Root:     args[1],
		FS:       os.DirFS(args[2]),
		Progress: func(name string) { fmt.Printf("stage %s\n", name) },
	}
	_, err = Run(context.Background(), e, "")
	if err == nil {
		fmt.Println("stage done")
	}
	return err
}

// crashRoot makes the image side of a crash root: seed files and the
// template, and writes the spec.
func crashRoot(t *testing.T) (root, specPath string) {
	root = t.TempDir()
	for i := range crashSeedFiles {
		p := fmt.Sprintf("%s/img/defaults/d%02d/f%03d.txt", root, i%10, i)
		writeFile(t, p, seedContent(i))
	}
	writeFile(t, root+"/img/config.tpl", fmt.Sprintf(crashTemplate, strings.Repeat("x", 8000)))
	// The commands run as cloudron (uid 1000) and must reach the root.
	if err := os.Chmod(filepath.Dir(root), 0o755); err != nil {
		t.Fatal(err)
	}
	specPath = root + "/appstart.toml"
	writeFile(t, specPath, fmt.Sprintf(crashSpec, root))
	return root, specPath
}

func seedContent(i int) string {
	return strings.Repeat(fmt.Sprintf("seed file %d\n", i), 300)
}

// resetData gives a lifecycle a fresh data directory holding only the
// user's own config.
func resetData(t *testing.T, root string) {
	for _, d := range []string{root + "/data", root + "/run"} {
		if err := os.RemoveAll(d); err != nil {
			t.Fatal(err)
		}
	}
	writeFile(t, root+"/data/user.ini", "; mine\n[user]\ncolor = blue\n")
}

// child is one run of the stages in a re-executed test binary.
type child struct {
	pid    int
	exit   chan proc.Exit
	stages chan string // each "stage NAME" line, closed at EOF
}

func startChild(t *testing.T, r *proc.Reaper, specPath, version string) *child {
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	exe, _ := os.Executable()
	c := &child{exit: make(chan proc.Exit, 1), stages: make(chan string, 32)}
	c.pid, err = r.Spawn(proc.Cmd{
		Path: exe,
		Args: []string{exe, specPath, fixtureRoot(t), cgroupFixture(t, "v1")},
		Env:  []string{helperEnv + "=stages", "APP_VERSION=" + version, "PATH=/usr/bin:/bin"},
		// The child's stderr is the test's, for a failure's reason.
		Stdout: pw, Stderr: os.Stderr,
	}, c.exit)
	pw.Close()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		defer pr.Close()
		defer close(c.stages)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if name, ok := strings.CutPrefix(sc.Text(), "stage "); ok {
				c.stages <- name
			}
		}
	}()
	return c
}

// waitExit waits for the child's exit, with a deadline.
func (c *child) waitExit(t *testing.T) proc.Exit {
	select {
	case e := <-c.exit:
		return e
	case <-time.After(60 * time.Second):
		t.Fatalf("child %d did not end", c.pid)
		return proc.Exit{}
	}
}

// strike kills the child at a random instant: with target 0 any time in its
// first 20ms (exec and start-up), else up to 2ms after it announced stage
// target-1, so every stage is struck whether it has much to do or little.
// The random sleep is the experiment (where to strike), not a wait for a
// condition. It returns the stages announced before the kill.
func (c *child) strike(t *testing.T, r *proc.Reaper, target int) []string {
	var seen []string
	if target > 0 {
		want := Stages()[target-1].Name
		deadline := time.After(30 * time.Second)
	wait:
		for {
			select {
			case name, ok := <-c.stages:
				if !ok {
					return seen // it ended first (already complete)
				}
				seen = append(seen, name)
				if name == want || name == "done" {
					break wait
				}
			case <-deadline:
				t.Fatalf("child never reached stage %s", want)
			}
		}
		time.Sleep(rand.N(2 * time.Millisecond))
	} else {
		time.Sleep(rand.N(20 * time.Millisecond))
	}
	r.Signal(c.pid, syscall.SIGKILL) // ErrNotRunning: it ended first
	return seen
}

// drain returns the stages the child announced, up to EOF.
func (c *child) drain() []string {
	var seen []string
	for s := range c.stages {
		seen = append(seen, s)
	}
	return seen
}

func TestCrashAnywhereLosesNothing(t *testing.T) {
	requireRoot(t)
	kills := 200
	if testing.Short() {
		kills = 20
	}
	r := testReaper(t)
	root, specPath := crashRoot(t)

	// One clean run to time the whole sequence.
	resetData(t, root)
	start := time.Now()
	c := startChild(t, r, specPath, "v0")
	if e := c.waitExit(t); e.Code != 0 {
		t.Fatalf("clean run: %s", e)
	}
	full := time.Since(start)
	t.Logf("a full first start takes %v", full)

	hits := map[string]int{}
	stages := Stages()
	chk := newCrashChecker(root)
	for i := range kills {
		if i%crashLifecycle == 0 {
			resetData(t, root)
			chk = newCrashChecker(root)
		}
		version := fmt.Sprintf("v%d", i/2) // an upgrade every other start
		c := startChild(t, r, specPath, version)
		seen := c.strike(t, r, rand.N(len(stages)+1))
		c.waitExit(t)
		seen = append(seen, c.drain()...)
		// The killed run's commands are orphans now (this process is their
		// subreaper): let them finish before looking, so a late "echo >> log"
		// cannot land in the next run's log.
		waitNoChildren(t)
		switch {
		case len(seen) == 0:
			hits["(before env)"]++
		default:
			hits[seen[len(seen)-1]]++
		}
		if err := chk.check(); err != nil {
			t.Fatalf("after kill %d (in %v): %v", i, seen, err)
		}
	}
	t.Logf("kills by stage: %v", sortedHits(hits))
	struck := 0
	for _, s := range Stages() {
		if hits[s.Name] > 0 {
			struck++
		}
	}
	if !testing.Short() && struck < 6 {
		t.Errorf("kills hit only %d of %d stages: %v", struck, len(Stages()), sortedHits(hits))
	}

	// The next start finishes the job.
	c = startChild(t, r, specPath, "final")
	if e := c.waitExit(t); e.Code != 0 {
		t.Fatalf("clean run after the kills: %s", e)
	}
	if err := chk.check(); err != nil {
		t.Fatal(err)
	}
	if err := chk.complete(); err != nil {
		t.Fatal(err)
	}
}

// waitNoChildren waits until this process has no children left, the
// reaper having reaped them.
func waitNoChildren(t *testing.T) {
	deadline := time.Now().Add(30 * time.Second)
	self := fmt.Sprintf("PPid:\t%d\n", os.Getpid())
	for {
		busy := false
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			if e.Name()[0] < '0' || e.Name()[0] > '9' {
				continue
			}
			b, err := os.ReadFile("/proc/" + e.Name() + "/status")
			if err == nil && strings.Contains(string(b), self) {
				busy = true
				break
			}
		}
		if !busy {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("orphans of a killed run still alive")
		}
		time.Sleep(time.Millisecond)
	}
}

func sortedHits(h map[string]int) string {
	var keys []string
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%d ", k, h[k])
	}
	return b.String()
}
