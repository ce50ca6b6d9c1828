package harness_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"appstart/runtime/harness"
)

// busybox is the PID 1 of these tests: static, so it runs in any root, and
// it has every applet they need.
const busybox = "/bin/busybox"

const wait = 30 * time.Second

func sh(script string) []string { return []string{busybox, "sh", "-c", script} }

// runScript runs script as PID 1 to completion and returns the result.
func runScript(t *testing.T, opts harness.Options, script string) harness.Result {
	t.Helper()
	opts.Argv = sh(script)
	c := harness.Run(t, opts)
	return c.Wait(wait)
}

func requireBusybox(t *testing.T) {
	t.Helper()
	harness.RequireCommands(t, busybox)
}

func TestRootIsReadOnly(t *testing.T) {
	t.Parallel()
	requireBusybox(t)
	r := runScript(t, harness.Options{}, `echo x >/probe; echo "rc=$?"; echo x >/usr/probe; echo "rc=$?"`)
	if got := strings.Count(r.Stderr, "Read-only file system"); got != 2 {
		t.Errorf("writes to / and /usr: want 2 EROFS errors, got %d\nstderr: %s", got, r.Stderr)
	}
	if !strings.Contains(r.Stdout, "rc=1\nrc=1") {
		t.Errorf("want both writes to fail, stdout: %q", r.Stdout)
	}
}

// The negative control for the read-only root: debug mode's writable root
// accepts the same writes, and they never reach the host.
func TestWritableRootStaysOffTheHost(t *testing.T) {
	t.Parallel()
	requireBusybox(t)
	name := "harness-probe-" + strconv.Itoa(os.Getpid()) + "-" + filepath.Base(t.TempDir())
	r := runScript(t, harness.Options{Writable: true},
		`echo x >/`+name+` && echo x >/usr/`+name+` && cat /usr/`+name+` && echo wrote`)
	if r.ExitCode != 0 || !strings.Contains(r.Stdout, "x\nwrote") {
		t.Fatalf("writes in debug mode: exit %d, stdout %q, stderr %q", r.ExitCode, r.Stdout, r.Stderr)
	}
	for _, p := range []string{"/" + name, "/usr/" + name} {
		if _, err := os.Lstat(p); !os.IsNotExist(err) {
			t.Errorf("the container's write reached the host: %s (%v)", p, err)
			os.Remove(p)
		}
	}
}

func TestDataDirIsSharedWithTheHost(t *testing.T) {
	t.Parallel()
	requireBusybox(t)
	data := t.TempDir()
	if err := os.WriteFile(filepath.Join(data, "from-host"), []byte("hello from the host\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runScript(t, harness.Options{DataDir: data}, `cat /app/data/from-host && echo written >/app/data/from-container`)
	if r.ExitCode != 0 || r.Stdout != "hello from the host\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.ExitCode, r.Stdout, r.Stderr)
	}
	got, err := os.ReadFile(filepath.Join(data, "from-container"))
	if err != nil || string(got) != "written\n" {
		t.Fatalf("the host sees %q, %v; want the container's write", got, err)
	}
}

func TestRunAndTmpAreWritableTmpfs(t *testing.T) {
	t.Parallel()
	requireBusybox(t)
	r := runScript(t, harness.Options{}, `for d in /run /tmp; do stat -f -c "$d %T" $d; echo x >$d/f && echo "$d ok"; done`)
	want := "/run tmpfs\n/run ok\n/tmp tmpfs\n/tmp ok\n"
	if r.ExitCode != 0 || r.Stdout != want {
		t.Fatalf("exit %d, stdout %q (want %q), stderr %q", r.ExitCode, r.Stdout, want, r.Stderr)
	}
}

func TestArgvIsPID1(t *testing.T) {
	t.Parallel()
	requireBusybox(t)
	c := harness.Run(t, harness.Options{Argv: sh(`echo "pid=$$"; read -r stat </proc/self/stat; echo "stat=${stat%% *}"; exec sleep 1000`)})
	c.WaitForOutput("stat=", wait)
	if out := c.Stdout(); out != "pid=1\nstat=1\n" {
		t.Errorf("inside: %q, want pid 1 from both $$ and /proc/self/stat", out)
	}
	// The kernel's view from the host: NSpid lists the pid in each namespace
	// from the host's down, so PID 1 of a child namespace reads "<host pid> 1".
	status, err := os.ReadFile("/proc/" + strconv.Itoa(c.Pid1()) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	want := "NSpid:\t" + strconv.Itoa(c.Pid1()) + "\t1\n"
	if !strings.Contains(string(status), want) {
		t.Errorf("host /proc/%d/status lacks %q", c.Pid1(), want)
	}
}

func TestCloudronUserResolves(t *testing.T) {
	t.Parallel()
	requireBusybox(t)
	c := harness.Run(t, harness.Options{Argv: sh(`id cloudron; id root; stat -c "%u:%g %a" /home/cloudron`)})
	r := c.Wait(wait)
	uid, gid := strconv.Itoa(c.UID()), strconv.Itoa(c.GID())
	for _, want := range []string{
		"uid=" + uid + "(cloudron) gid=" + gid + "(cloudron)",
		"uid=0(root) gid=0(root)",
		uid + ":" + gid + " 755",
	} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("want %q in %q (stderr %q)", want, r.Stdout, r.Stderr)
		}
	}
	if c.UID() != harness.DefaultUID || c.GID() != harness.DefaultGID {
		t.Errorf("cloudron is %d:%d, want the platform's %d:%d", c.UID(), c.GID(), harness.DefaultUID, harness.DefaultGID)
	}
}

func TestSignalReachesPID1(t *testing.T) {
	t.Parallel()
	requireBusybox(t)
	c := harness.Run(t, harness.Options{Argv: sh(`trap "echo got TERM; exit 7" TERM; echo ready; sleep 1000 & wait`)})
	c.WaitForOutput("ready", wait)
	c.Signal(syscall.SIGTERM)
	r := c.Wait(wait)
	if r.ExitCode != 7 || r.Signal != 0 || !strings.Contains(r.Stdout, "got TERM") {
		t.Errorf("want exit 7 from the TERM trap, got %+v", r)
	}
}

// The negative control: PID 1 of a PID namespace gets no signal it has no
// handler for (pid_namespaces(7)), so an untrapped SIGTERM is dropped when
// sent, not queued. A trapped SIGUSR1 sent afterwards makes PID 1 print its
// own pending masks: a queued TERM would show there (or kill it first).
func TestUnhandledSignalIsDroppedByPID1(t *testing.T) {
	t.Parallel()
	requireBusybox(t)
	c := harness.Run(t, harness.Options{Argv: sh(
		`trap 'grep -E "^(ShdPnd|SigPnd)" /proc/1/status; echo usr1 done' USR1; echo ready; while :; do sleep 1000 & wait; done`)})
	c.WaitForOutput("ready", wait)
	c.Signal(syscall.SIGTERM)
	c.Signal(syscall.SIGUSR1)
	c.WaitForOutput("usr1 done", wait)
	for _, want := range []string{"SigPnd:\t0000000000000000", "ShdPnd:\t0000000000000000"} {
		if !strings.Contains(c.Stdout(), want) {
			t.Errorf("want %q (TERM dropped), got %q", want, c.Stdout())
		}
	}
	c.Signal(syscall.SIGKILL) // always delivered from an ancestor namespace
	if r := c.Wait(wait); r.Signal != syscall.SIGKILL || r.ExitCode != 137 {
		t.Errorf("after SIGKILL: %+v, want signal 9 and exit 137", r)
	}
}

func TestExitCodePassesThrough(t *testing.T) {
	t.Parallel()
	requireBusybox(t)
	for _, code := range []int{0, 3, 126, 255} {
		r := runScript(t, harness.Options{}, "exit "+strconv.Itoa(code))
		if r.ExitCode != code || r.Signal != 0 {
			t.Errorf("exit %d: got %+v", code, r)
		}
	}
	r := runScript(t, harness.Options{}, "no-such-command-here")
	if r.ExitCode != 127 {
		t.Errorf("unknown command: exit %d, want 127", r.ExitCode)
	}
}

func TestEnvIsExactlyOptionsEnv(t *testing.T) {
	t.Parallel()
	requireBusybox(t)
	r := runScript(t, harness.Options{Env: []string{"ONLY=this one", "PATH=/usr/bin:/bin"}, Dir: "/app"}, `env | sort; pwd`)
	if want := "ONLY=this one\nPATH=/usr/bin:/bin\nPWD=/app\nSHLVL=1\n/app\n"; r.Stdout != want {
		t.Errorf("stdout %q, want %q", r.Stdout, want)
	}
}

func TestPkgFilesAreReadOnly(t *testing.T) {
	t.Parallel()
	requireBusybox(t)
	r := runScript(t, harness.Options{Pkg: map[string]string{
		"appstart.toml":   "user = \"cloudron\"\n",
		"bin/hello.sh":    "#!/bin/busybox sh\necho hello from pkg\n",
		"conf/a/b/c.conf": "x=1\n",
	}}, `cat /app/pkg/appstart.toml; /app/pkg/bin/hello.sh; cat /app/pkg/conf/a/b/c.conf; echo y >/app/pkg/new`)
	if want := "user = \"cloudron\"\nhello from pkg\nx=1\n"; r.Stdout != want {
		t.Errorf("stdout %q, want %q", r.Stdout, want)
	}
	if !strings.Contains(r.Stderr, "Read-only file system") {
		t.Errorf("a write to /app/pkg should fail with EROFS, stderr %q", r.Stderr)
	}
}

func TestMountsAndBinaries(t *testing.T) {
	t.Parallel()
	requireBusybox(t)
	code := t.TempDir()
	if err := os.WriteFile(filepath.Join(code, "server.js"), []byte("// code\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runScript(t, harness.Options{
		Binaries: map[string]string{"/app/bin/busybox": busybox},
		Mounts:   []harness.Mount{{Source: code, Target: "/app/code"}},
	}, `/app/bin/busybox echo via-binary; cat /app/code/server.js; echo x >/app/code/y`)
	if r.Stdout != "via-binary\n// code\n" || !strings.Contains(r.Stderr, "Read-only file system") {
		t.Errorf("stdout %q, stderr %q", r.Stdout, r.Stderr)
	}
}

func TestSecondContainerSeesTheFirstOnesData(t *testing.T) {
	t.Parallel()
	requireBusybox(t)
	data := t.TempDir()
	first := runScript(t, harness.Options{DataDir: data}, `echo "run 1" >>/app/data/runs; touch /run/not-kept`)
	if first.ExitCode != 0 {
		t.Fatalf("first run: %+v", first)
	}
	second := runScript(t, harness.Options{DataDir: data}, `echo "run 2" >>/app/data/runs; cat /app/data/runs; ls /run`)
	if second.Stdout != "run 1\nrun 2\n" {
		t.Errorf("second run sees %q; want both runs in /app/data and a fresh /run", second.Stdout)
	}
}

func TestExecRunsInsideTheNamespaces(t *testing.T) {
	t.Parallel()
	requireBusybox(t)
	c := harness.Run(t, harness.Options{Argv: sh(`echo inside >/run/marker; echo ready; exec sleep 1000`)})
	c.WaitForOutput("ready", wait)
	r := c.Exec(busybox, "sh", "-c", `cat /run/marker; for ns in pid mnt net; do readlink /proc/self/ns/$ns; done; cat /proc/1/comm`)
	if r.ExitCode != 0 {
		t.Fatalf("exec: %+v", r)
	}
	var want strings.Builder
	want.WriteString("inside\n")
	for _, ns := range []string{"pid", "mnt", "net"} {
		link, err := os.Readlink("/proc/" + strconv.Itoa(c.Pid1()) + "/ns/" + ns)
		if err != nil {
			t.Fatal(err)
		}
		own, _ := os.Readlink("/proc/self/ns/" + ns)
		if own == link {
			t.Fatalf("negative control: the test process shares the container's %s namespace %s", ns, link)
		}
		want.WriteString(link + "\n")
	}
	want.WriteString("sleep\n")
	if r.Stdout != want.String() {
		t.Errorf("exec saw %q, want %q", r.Stdout, want.String())
	}
	if r := c.Exec(busybox, "sh", "-c", "exit 42"); r.ExitCode != 42 {
		t.Errorf("exec exit code: %d, want 42", r.ExitCode)
	}
}

func TestHostPath(t *testing.T) {
	t.Parallel()
	requireBusybox(t)
	c := harness.Run(t, harness.Options{Argv: sh(`echo a >/run/in-run; echo b >/app/data/in-data; echo ready; exec sleep 1000`)})
	c.WaitForOutput("ready", wait)
	for p, want := range map[string]string{"/run/in-run": "a\n", "/app/data/in-data": "b\n"} {
		got, err := os.ReadFile(c.HostPath(p))
		if err != nil || string(got) != want {
			t.Errorf("HostPath(%s): %q, %v; want %q", p, got, err, want)
		}
	}
	if got := c.HostPath("/app/data/x"); got != filepath.Join(c.DataDir(), "x") {
		t.Errorf("HostPath(/app/data/x) = %s, want it under DataDir", got)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// PID 1 starts the way Docker starts it: no blocked or ignored signals and
// nothing but stdio open, so appstart's own tests of what its children
// inherit (SigBlk, SigIgn, leaked fds) measure appstart, not the harness.
// (A test runner started with signals ignored, e.g. under nohup, passes
// them on through setup.sh, which cannot undo that: this test says so.)
func TestPID1StartsClean(t *testing.T) {
	t.Parallel()
	requireBusybox(t)
	status := harness.Run(t, harness.Options{Argv: []string{busybox, "grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"}})
	if r, want := status.Wait(wait), "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n"; r.Stdout != want {
		t.Errorf("PID 1 signal state %q, want %q", r.Stdout, want)
	}
	// ls holds one descriptor of its own: the directory it lists.
	fds := harness.Run(t, harness.Options{Argv: []string{busybox, "ls", "/proc/self/fd"}})
	if r := fds.Wait(wait); r.Stdout != "0\n1\n2\n3\n" {
		t.Errorf("PID 1 open descriptors %q, want stdio only (and ls's own 3)", r.Stdout)
	}
}
