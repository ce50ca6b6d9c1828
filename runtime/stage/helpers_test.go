package stage

import (
	"appstart/runtime/fsops"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"appstart/runtime/environ"
	"appstart/runtime/harness/skip"
	"appstart/runtime/proc"
	"appstart/runtime/spec"
)

// fixtureRoot holds etc/passwd and etc/group: cloudron is 1000:1000,
// www-data 33:33, postgres 104:107.
func fixtureRoot(t testing.TB) string {
	t.Helper()
	p, err := filepath.Abs("../../testdata/stage")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func cgroupFixture(t testing.TB, name string) string {
	t.Helper()
	p, err := filepath.Abs("../../testdata/cgroup/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// requireRoot skips tests that chown: the stages run as root in a container.
func requireRoot(t testing.TB) {
	t.Helper()
	skip.Root(t, "the stages chown files (run the tests as root, as CI does)")
}

// parseSpec parses a spec written for the test, paths formatted in.
func parseSpec(t testing.TB, format string, args ...any) *spec.Spec {
	t.Helper()
	s, err := spec.Parse("appstart.toml", []byte(fmt.Sprintf(format, args...)))
	if err != nil {
		t.Fatalf("spec: %v\n%s", err, fmt.Sprintf(format, args...))
	}
	return s
}

// newEnv is an Env over the fixture passwd and the v1 cgroup fixture
// (256 MiB RAM, 512 MiB with swap), logging to the test.
func newEnv(t testing.TB, s *spec.Spec, environment ...string) *Env {
	t.Helper()
	return &Env{
		Spec: s,
		Vars: environ.New(append([]string{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/root"}, environment...)),
		Root: fixtureRoot(t),
		FS:   os.DirFS(cgroupFixture(t, "v1")),
		Log:  func(f string, a ...any) { t.Logf("appstart: "+f, a...) },
	}
}

// userDir is a temp directory that uid 1000 can write, with parents it can
// traverse (t.TempDir's own is 0700).
func userDir(t testing.TB) string {
	t.Helper()
	d := t.TempDir()
	if err := os.Chmod(filepath.Dir(d), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(d, 1000, 1000); err != nil {
		t.Fatal(err)
	}
	return d
}

// stat returns a file's owner and permission bits.
func stat(t testing.TB, path string) (uid, gid int, mode os.FileMode) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	return int(st.Uid), int(st.Gid), fsops.FileMode(st.Mode)
}

func readString(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fakeRunner records the commands it is given and answers with fn.
type fakeRunner struct {
	mu   sync.Mutex
	cmds []proc.Cmd
	fn   func(c proc.Cmd) (proc.Exit, error)
}

func (f *fakeRunner) Run(_ context.Context, c proc.Cmd) (proc.Exit, error) {
	f.mu.Lock()
	f.cmds = append(f.cmds, c)
	f.mu.Unlock()
	if f.fn != nil {
		return f.fn(c)
	}
	return proc.Exit{}, nil
}

func (f *fakeRunner) argvs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.cmds {
		out = append(out, strings.Join(c.Args, " "))
	}
	return out
}

// envOf returns NAME's value in a command's environment.
func envOf(c proc.Cmd, name string) (string, bool) {
	for _, kv := range c.Env {
		if k, v, ok := strings.Cut(kv, "="); ok && k == name {
			return v, true
		}
	}
	return "", false
}

// runStage runs one stage by name, as Run would.
func runStage(t testing.TB, e *Env, name string) error {
	t.Helper()
	e.defaults()
	for _, s := range Stages() {
		if s.Name == name {
			e.stageName = name
			return s.Run(context.Background(), e)
		}
	}
	t.Fatalf("no stage %q", name)
	return nil
}

// partsText joins the summary parts the stages reported.
func partsText(e *Env) string {
	var out []string
	for _, p := range e.parts {
		if p.Text != "" {
			out = append(out, p.Text)
		}
	}
	return strings.Join(out, ", ")
}

// runOutput runs argv through the test reaper (os/exec's Wait would race it
// for the exit) and returns its stdout.
func runOutput(t testing.TB, argv ...string) (string, proc.Exit) {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	e, err := testReaper(t).Run(context.Background(), proc.Cmd{Path: argv[0], Args: argv,
		Env: []string{"PATH=/usr/local/bin:/usr/bin:/bin"}, Stdout: f, Stderr: f})
	if err != nil {
		t.Fatalf("%v: %v", argv, err)
	}
	b, _ := os.ReadFile(f.Name())
	return string(b), e
}
