package app_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/BurntSushi/toml"

	"appstart/runtime/control"
	"appstart/runtime/harness"
)

// The promise of `RUN appstart check` (issue 13): a spec check accepts
// starts, and a spec that would fail at start is refused at build time.
// Each directory of testdata/agree is a case: an appstart.toml, the files
// it needs (mounted as /app/pkg) and an `expect` file:
//
//	verdict = "ok"                  # or "refused": what both must say
//	why = "..."                     # the reason, for the reader
//	message = ["https"]             # (or one string) substrings both outputs must hold; required when refused
//	args = ["--only", "wrker"]      # flags given to both check and run
//	env = ["FEATURE=1"]             # the container's environment, over harness.DefaultEnv
//	run_env = ["CLOUDRON_X=1"]      # set for run only: what the platform sets at run time, absent at build
//	modes = { "bin/serve" = "0744" } # file modes in /app/pkg (git keeps only 0644 and 0755)
//	files = { "/run/x" = '^re$' }   # when run is ok: files whose content must match, while it runs
//	absent = ["/app/data/.secret"]  # after run: /app/data paths that must not exist
//	skipped = ["ldap-sync"]         # programs when/unless leave out: not required to run
//
// One container per case: `appstart check` (the full check) runs in it
// through nsenter while PID 1, a shell, waits on its stdin; then the shell
// execs `appstart run` as PID 1 in the same root (read-only root, tmpfs
// /run and /tmp, an empty /app/data, 256 MiB). Run is ok when, within
// agreeDeadline, every program of the spec (but the skipped) is ok in the
// status the control socket gives (`appstart status --json`: running and
// ready and healthy, a one-shot done, a schedule waiting, autostart off and
// stopped), appstart is still up, and SIGTERM then ends it with 0. Run is
// refused when appstart exits first, a program goes fatal, or the deadline
// passes with a program not ok. The case fails when check and run
// disagree, when they agree against verdict, or when a message is missing
// from either output.
//
// One case: go test -run 'TestCheckAndRunAgree/ready-https' ./runtime/app/
func TestCheckAndRunAgree(t *testing.T) {
	harness.Require(t)
	bin := harness.Binary(t)
	entries, err := os.ReadDir(agreeDir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	// The ten cases and twenty more at least.
	if len(names) < 30 {
		t.Fatalf("%s holds %d cases, want at least 30", agreeDir, len(names))
	}
	// Each case's container starts before t.Parallel, in its own
	// goroutine: most of a case is waiting, and -parallel defaults to the
	// machine's 2 cores, which would queue the waits one after another.
	slots := make(chan struct{}, agreeAtOnce)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(agreeDir, name)
			ex := readExpect(t, dir)
			progs := specPrograms(dir)
			pkg := copyCase(t, dir, ex.Modes)
			data := t.TempDir()
			done := make(chan agreeResult, 1)
			go func() {
				slots <- struct{}{}
				defer func() { <-slots }()
				done <- runCase(bin, pkg, data, ex, progs)
			}()
			t.Parallel()
			r := <-done
			if r.err != nil {
				t.Fatal(r.err)
			}
			judgeCase(t, ex, r, data)
		})
	}
}

const (
	agreeDir = "../../testdata/agree"
	// agreeDeadline bounds a start: every program up, or it is refused.
	agreeDeadline = 20 * time.Second
	// agreeAtOnce is how many case containers run at the same time.
	agreeAtOnce = 16
)

// agreeExpect is a case's `expect` file (see TestCheckAndRunAgree).
type agreeExpect struct {
	Verdict string            `toml:"verdict"`
	Why     string            `toml:"why"`
	Message stringList        `toml:"message"`
	Args    []string          `toml:"args"`
	Env     []string          `toml:"env"`
	RunEnv  []string          `toml:"run_env"`
	Modes   map[string]string `toml:"modes"`
	Files   map[string]string `toml:"files"`
	Absent  []string          `toml:"absent"`
	Skipped []string          `toml:"skipped"`

	files map[string]*regexp.Regexp
}

// stringList is one string or an array of them.
type stringList []string

func (l *stringList) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case string:
		*l = stringList{v}
		return nil
	case []any:
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return fmt.Errorf("message: %v is not a string", e)
			}
			*l = append(*l, s)
		}
		return nil
	}
	return fmt.Errorf("message: want a string or an array of strings, not %T", v)
}

func readExpect(t *testing.T, dir string) agreeExpect {
	t.Helper()
	var ex agreeExpect
	p := filepath.Join(dir, "expect")
	md, err := toml.DecodeFile(p, &ex)
	if err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	var bad []string
	if u := md.Undecoded(); len(u) > 0 {
		bad = append(bad, fmt.Sprintf("unknown keys %v", u))
	}
	if ex.Verdict != "ok" && ex.Verdict != "refused" {
		bad = append(bad, fmt.Sprintf(`verdict %q: want "ok" or "refused"`, ex.Verdict))
	}
	if ex.Why == "" {
		bad = append(bad, "why is empty: say why this is the verdict")
	}
	if ex.Verdict == "refused" && len(ex.Message) == 0 {
		bad = append(bad, "a refused case needs a message both must print")
	}
	ex.files = map[string]*regexp.Regexp{}
	for path, re := range ex.Files {
		rx, err := regexp.Compile(re)
		if err != nil {
			bad = append(bad, fmt.Sprintf("files[%q]: %v", path, err))
		}
		ex.files[path] = rx
	}
	for _, a := range ex.Absent {
		if !strings.HasPrefix(a, "/app/data/") {
			bad = append(bad, fmt.Sprintf("absent %q: only /app/data outlives the container", a))
		}
	}
	if len(bad) > 0 {
		t.Fatalf("%s: %s", p, strings.Join(bad, "; "))
	}
	return ex
}

// specPrograms lists the [programs.*] names of a case's spec; a spec that
// does not parse has none (the run then has nothing to be up).
func specPrograms(dir string) []string {
	var doc struct {
		Programs map[string]any `toml:"programs"`
	}
	toml.DecodeFile(filepath.Join(dir, "appstart.toml"), &doc)
	var names []string
	for n := range doc.Programs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// copyCase copies a case directory (but expect) to a fresh directory for
// /app/pkg, owned by root, with the modes git cannot keep.
func copyCase(t *testing.T, dir string, modes map[string]string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		to := filepath.Join(dst, rel)
		switch {
		case rel == "expect":
			return nil
		case d.IsDir():
			return os.MkdirAll(to, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		mode := fs.FileMode(0o644)
		if fi.Mode()&0o111 != 0 {
			mode = 0o755
		}
		if err := os.WriteFile(to, b, mode); err != nil {
			return err
		}
		return os.Chmod(to, mode) // past the umask
	})
	if err == nil {
		err = os.Chmod(dst, 0o755) // the programs' users read /app/pkg
	}
	for rel, m := range modes {
		n, perr := strconv.ParseUint(m, 8, 32)
		if perr != nil {
			t.Fatalf("modes[%q] = %q: %v", rel, m, perr)
		}
		if cerr := os.Chmod(filepath.Join(dst, rel), fs.FileMode(n)); cerr != nil {
			t.Fatal(cerr)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// outcome is what check or run said: ok or refused, and how.
type outcome struct {
	ok  bool
	how string
}

func (o outcome) String() string {
	if o.ok {
		return "ok (" + o.how + ")"
	}
	return "refused (" + o.how + ")"
}

type agreeResult struct {
	check, run       outcome
	checkOut, runOut string
	fileProblems     []string
	err              error
}

// runCase runs check, then run, in one container. It uses the Instance API
// (errors, not t.Fatal): it runs off the test's goroutine.
func runCase(bin, pkg, data string, ex agreeExpect, progs []string) (res agreeResult) {
	gateR, gateW := io.Pipe()
	defer gateW.Close()
	argv := append([]string{"/bin/sh", "-c", `read -r go && exec /app/bin/appstart run "$@"`, "agree"}, ex.Args...)
	in, err := harness.Launch(harness.Options{
		Argv:     argv,
		Env:      caseEnv(append(slices.Clone(ex.Env), ex.RunEnv...)),
		PkgDir:   pkg,
		DataDir:  data,
		Binaries: map[string]string{"/app/bin/appstart": bin},
		Stdin:    gateR,
	})
	if err != nil {
		return agreeResult{err: err}
	}
	defer in.Close()

	ctx, cancel := context.WithTimeout(context.Background(), harness.ExecTimeout)
	// check runs as `docker build` would: without what the platform sets.
	checkArgv := []string{"/usr/bin/env"}
	for _, kv := range ex.RunEnv {
		name, _, _ := strings.Cut(kv, "=")
		checkArgv = append(checkArgv, "-u", name)
	}
	checkArgv = append(checkArgv, "/app/bin/appstart", "check")
	cr, err := in.Exec(ctx, append(checkArgv, ex.Args...)...)
	cancel()
	if err != nil {
		return agreeResult{err: fmt.Errorf("check: %w", err)}
	}
	res.checkOut = cr.Stdout + cr.Stderr
	res.check = outcome{ok: cr.ExitCode == 0, how: fmt.Sprintf("exit %d: %s", cr.ExitCode, telling(cr.Stderr+cr.Stdout))}
	if cr.ExitCode == 0 {
		res.check.how = telling(cr.Stdout)
	}

	if _, err := io.WriteString(gateW, "go\n"); err != nil {
		return agreeResult{err: fmt.Errorf("cannot open the gate to run: %w", err)}
	}
	gateW.Close()
	res.run, res.fileProblems = observe(in, progs, ex)
	res.runOut = in.Stdout() + in.Stderr()
	return res
}

func caseEnv(extra []string) []string {
	env := slices.Clone(harness.DefaultEnv)
	for _, kv := range extra {
		name, _, _ := strings.Cut(kv, "=")
		env = slices.DeleteFunc(env, func(e string) bool { return strings.HasPrefix(e, name+"=") })
		env = append(env, kv)
	}
	return env
}

// observe waits, up to agreeDeadline, for the start to be up or refused,
// then stops appstart with SIGTERM. The second result lists the expected
// files that never matched while everything was up.
func observe(in *harness.Instance, progs []string, ex agreeExpect) (outcome, []string) {
	deadline := time.Now().Add(agreeDeadline)
	var cl *control.Client
	why := "no status yet"
	var up bool
	var fileProblems []string
	for {
		select {
		case <-in.Done():
			r, _ := in.Wait(0)
			return outcome{how: fmt.Sprintf("exit %d before all were up: %s", r.ExitCode, telling(r.Stderr+r.Stdout))}, nil
		default:
		}
		if cl == nil {
			c, err := control.Dial(in.HostPath(control.DefaultSocket))
			if err == nil {
				c.Timeout = 5 * time.Second
				cl = c
			} else {
				why = "no control socket: " + err.Error()
			}
		}
		if cl != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			ps, err := cl.Status(ctx)
			cancel()
			if err != nil {
				why = "status: " + err.Error()
			} else {
				var fatal bool
				up, fatal, why = judgeStatus(ps, progs, ex.Skipped)
				if fatal {
					stop(in)
					return outcome{how: why}, nil
				}
				if up {
					if fileProblems = unmatchedFiles(in, ex.files); len(fileProblems) == 0 {
						break
					}
				}
			}
		}
		if time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !up {
		stop(in)
		return outcome{how: fmt.Sprintf("not up within %v: %s", agreeDeadline, why)}, nil
	}
	if r, err := stop(in); err != nil || r.ExitCode != 0 {
		return outcome{how: fmt.Sprintf("up (%s), but SIGTERM ended it with exit %d (%v): %s", why, r.ExitCode, err, telling(r.Stderr+r.Stdout))}, fileProblems
	}
	return outcome{ok: true, how: why + "; exit 0 on SIGTERM"}, fileProblems
}

// stop sends SIGTERM to PID 1 and waits for its end.
func stop(in *harness.Instance) (harness.Result, error) {
	in.Signal(syscall.SIGTERM) // an error is an exit already done: Wait tells
	return in.Wait(15 * time.Second)
}

// judgeStatus says whether every program of the spec (but the skipped) is
// as it should be; fatal is a program that gave up.
func judgeStatus(ps []control.ProgramStatus, progs, skipped []string) (up, fatal bool, why string) {
	var notUp []string
	seen := 0
	for _, name := range progs {
		var mine []control.ProgramStatus
		for _, p := range ps {
			if p.Name == name || p.Group == name {
				mine = append(mine, p)
			}
		}
		if slices.Contains(skipped, name) {
			for _, p := range mine {
				if p.State == "running" || p.State == "starting" {
					notUp = append(notUp, fmt.Sprintf("%s is %s though when/unless leave it out", p.Name, p.State))
				}
			}
			continue
		}
		if len(mine) == 0 {
			notUp = append(notUp, name+" absent from the status")
		}
		for _, p := range mine {
			seen++
			if p.State == "fatal" {
				return false, true, fmt.Sprintf("%s fatal (%s)", p.Name, p.LastExit)
			}
			if !p.OK {
				notUp = append(notUp, fmt.Sprintf("%s %s (ready %v, health %q, last exit %q)", p.Name, p.State, p.Ready, p.Health, p.LastExit))
			}
		}
	}
	if len(notUp) > 0 {
		return false, false, strings.Join(notUp, "; ")
	}
	return true, false, fmt.Sprintf("%d program(s) up", seen)
}

// unmatchedFiles reads each expected file (from the running container)
// and lists those missing or not matching.
func unmatchedFiles(in *harness.Instance, files map[string]*regexp.Regexp) []string {
	var out []string
	for path, rx := range files {
		b, err := os.ReadFile(in.HostPath(path))
		switch {
		case err != nil:
			out = append(out, fmt.Sprintf("%s: %v", path, errors.Unwrap(err)))
		case !rx.Match(b):
			out = append(out, fmt.Sprintf("%s = %.200q, want a match of %s", path, b, rx))
		}
	}
	sort.Strings(out)
	return out
}

func judgeCase(t *testing.T, ex agreeExpect, r agreeResult, data string) {
	t.Helper()
	// One line per case, for the table of what check and run say.
	t.Logf("AGREE %s | verdict %s | check %s | run %s", path.Base(t.Name()), ex.Verdict, r.check, r.run)
	want := ex.Verdict == "ok"
	if r.check.ok != r.run.ok {
		t.Errorf("check and run disagree: check %s, run %s", r.check, r.run)
	}
	if r.check.ok != want {
		t.Errorf("check: %s, want %s: %s", r.check, ex.Verdict, ex.Why)
	}
	if r.run.ok != want {
		t.Errorf("run: %s, want %s: %s", r.run, ex.Verdict, ex.Why)
	}
	for _, m := range ex.Message {
		if !strings.Contains(r.checkOut, m) {
			t.Errorf("check's output lacks %q", m)
		}
		if !strings.Contains(r.runOut, m) {
			t.Errorf("run's output lacks %q", m)
		}
	}
	if r.run.ok {
		for _, p := range r.fileProblems {
			t.Errorf("while up: %s", p)
		}
	}
	for _, a := range ex.Absent {
		if _, err := os.Lstat(filepath.Join(data, strings.TrimPrefix(a, "/app/data/"))); err == nil {
			t.Errorf("%s exists: the refused start left it", a)
		}
	}
	if t.Failed() {
		t.Logf("check's output:\n%s", tail(r.checkOut, 30))
		t.Logf("run's output:\n%s", tail(r.runOut, 40))
	}
}

// tellingLine matches the line of an output that says why.
var tellingLine = regexp.MustCompile(`(?i)cannot|error|refus|not found|no such|invalid|fatal|exited|problem|: ok \(`)

// telling picks the line of an output that says what happened: the first
// that reads like a reason (warnings skipped), else the last.
func telling(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines {
		if tellingLine.MatchString(l) && !strings.HasSuffix(l, "(warning)") {
			return clip(strings.TrimSpace(l))
		}
	}
	return clip(strings.TrimSpace(lines[len(lines)-1]))
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "..."
	}
	return s
}
