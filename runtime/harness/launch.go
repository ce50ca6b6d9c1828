package harness

import (
	"bufio"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

//go:embed setup.sh
var setupScript string

// setupTimeout bounds building the root, which takes well under a second on
// an idle machine; the margin is for a loaded CI host.
const setupTimeout = 60 * time.Second

// stateDirPrefix starts the names of Launch's own state directories:
// appstart-harness-state-<pid>-<random>.
const stateDirPrefix = "appstart-harness-state-"

// hostPATH is the setup script's PATH: host tools (mount, unshare, ip) only.
const hostPATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// Instance is one running container, without the testing conveniences of
// Container: every method returns its error. cmd/runexample uses it directly.
type Instance struct {
	opts      Options
	cgroup    *Cgroup
	state     string
	ownState  bool
	pkgDir    string
	displaced []string

	cmd      *exec.Cmd
	stdout   *stream
	stderr   *stream
	execAt   time.Time
	exitedAt time.Time
	done     chan struct{}

	mu    sync.Mutex
	execs map[*exec.Cmd]bool // running Exec commands, killed by Close

	closeOnce sync.Once
	closeErr  error
}

// Launch builds the container described by opts and starts its PID 1. It
// returns once the root filesystem is built and Argv is being exec'd (a
// barrier, not a guess); Close must be called in every case where it
// returns an Instance.
func Launch(opts Options) (*Instance, error) {
	o, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	if err := Check(); err != nil {
		return nil, err
	}
	in := &Instance{opts: o, done: make(chan struct{}),
		stdout: newStream(o.Stdout), stderr: newStream(o.Stderr), execs: map[*exec.Cmd]bool{}}
	if err := in.prepare(); err != nil {
		in.Close()
		return nil, err
	}
	if err := in.start(); err != nil {
		in.Close()
		return nil, err
	}
	return in, nil
}

// prepare writes the harness's files into the state directory and creates
// the cgroup.
func (in *Instance) prepare() error {
	o := &in.opts
	in.state = o.StateDir
	if in.state == "" {
		sweepStaleTemp(os.TempDir())
		dir, err := os.MkdirTemp("", fmt.Sprintf("%s%d-", stateDirPrefix, os.Getpid()))
		if err != nil {
			return fmt.Errorf("cannot create a state directory: %w", err)
		}
		in.state, in.ownState = dir, true
	}
	for _, d := range []string{"root", "upper"} {
		if err := os.Mkdir(filepath.Join(in.state, d), 0o700); err != nil {
			return fmt.Errorf("cannot create %s: %w", d, err)
		}
	}
	if o.DataDir == "" {
		o.DataDir = filepath.Join(in.state, "data")
		if err := os.Mkdir(o.DataDir, 0o755); err != nil {
			return fmt.Errorf("cannot create the data directory: %w", err)
		}
	}
	in.pkgDir = o.PkgDir
	if in.pkgDir == "" {
		in.pkgDir = filepath.Join(in.state, "pkg")
		if err := writePkg(in.pkgDir, o.Pkg); err != nil {
			return err
		}
	}
	if err := in.writeUserDB(); err != nil {
		return err
	}
	layout, err := hostLayout()
	if err != nil {
		return err
	}
	if in.cgroup, err = createCgroup(layout, o.RAMLimit, o.MemoryLimit, o.PidsLimit); err != nil {
		return err
	}
	plan := mountPlan(*o, in.cgroup, in.pkgDir, filepath.Join(in.state, "passwd"), filepath.Join(in.state, "group"))
	files := map[string]string{"plan": formatPlan(plan), "setup.sh": setupScript}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(in.state, name), []byte(text), 0o600); err != nil {
			return fmt.Errorf("cannot write %s: %w", name, err)
		}
	}
	return nil
}

func writePkg(dir string, files map[string]string) error {
	if err := os.Mkdir(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create %s: %w", dir, err)
	}
	for _, rel := range sortedKeys(files) {
		p := filepath.Join(dir, rel)
		mode := os.FileMode(0o644)
		if strings.HasPrefix(files[rel], "#!") {
			mode = 0o755
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("cannot create the directory of %s: %w", p, err)
		}
		if err := os.WriteFile(p, []byte(files[rel]), mode); err != nil {
			return fmt.Errorf("cannot write %s: %w", p, err)
		}
	}
	return nil
}

func (in *Instance) writeUserDB() error {
	pw, err := os.Open("/etc/passwd")
	if err != nil {
		return fmt.Errorf("cannot open the host passwd: %w", err)
	}
	defer pw.Close()
	gr, err := os.Open("/etc/group")
	if err != nil {
		return fmt.Errorf("cannot open the host group: %w", err)
	}
	defer gr.Close()
	p, g, displaced, err := userDB(pw, gr, in.opts.UID, in.opts.GID)
	if err != nil {
		return err
	}
	in.displaced = displaced
	for name, data := range map[string][]byte{"passwd": p, "group": g} {
		if err := os.WriteFile(filepath.Join(in.state, name), data, 0o644); err != nil {
			return fmt.Errorf("cannot write the container's %s: %w", name, err)
		}
	}
	return nil
}

func (in *Instance) start() error {
	o := in.opts
	args := []string{filepath.Join(in.state, "setup.sh")}
	args = append(args, o.Env...)
	args = append(args, o.Argv...)
	cmd := exec.Command("/bin/sh", args...)
	cmd.Env = []string{hostPATH,
		"HARNESS_ROOT=" + filepath.Join(in.state, "root"),
		"HARNESS_UPPER=" + filepath.Join(in.state, "upper"),
		"HARNESS_PLAN=" + filepath.Join(in.state, "plan"),
		"HARNESS_DIR=" + o.Dir,
		"HARNESS_WRITABLE=" + boolFlag(o.Writable),
		"HARNESS_NETNS=" + boolFlag(!o.HostNetwork),
	}
	cmd.Stdin = o.Stdin
	cmd.Stdout, cmd.Stderr = in.stdout, in.stderr
	cmd.WaitDelay = 5 * time.Second
	// clone(2) makes the child PID 1 of a new PID namespace directly (no
	// `unshare --fork` in between), so its wait status is PID 1's own:
	// unshare 2.38 cannot re-raise SIGKILL ("sigprocmask unblock failed")
	// and exits 1 instead. Its own process group keeps a Ctrl-C at a
	// terminal away from the container: the driver forwards it.
	attr := &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWPID | syscall.CLONE_NEWNS,
		Setpgid:    true,
		Pdeathsig:  syscall.SIGKILL,
	}
	if !o.HostNetwork {
		attr.Cloneflags |= syscall.CLONE_NEWNET
	}
	if in.cgroup.Version == 2 {
		dir, err := os.Open(in.cgroup.Memory)
		if err != nil {
			return fmt.Errorf("cannot open cgroup %s: %w", in.cgroup.Memory, err)
		}
		defer dir.Close()
		attr.UseCgroupFD, attr.CgroupFD = true, int(dir.Fd()) // clone3 CLONE_INTO_CGROUP
		cmd.Env = append(cmd.Env, "HARNESS_CGROUPNS=1")
	} else {
		cmd.Env = append(cmd.Env, "HARNESS_PROCS="+strings.Join(in.cgroup.procsFiles(), "\n"))
	}
	cmd.SysProcAttr = attr
	barrierR, barrierW, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("cannot create the setup pipe: %w", err)
	}
	defer barrierR.Close()
	cmd.ExtraFiles = []*os.File{barrierW} // fd 3 in setup.sh
	err = startOnSpawner(cmd)
	barrierW.Close()
	if err != nil {
		return fmt.Errorf("cannot start the container: %w", err)
	}
	in.cmd = cmd
	go in.wait()

	if err := in.awaitSetup(barrierR); err != nil {
		cmd.Process.Kill()
		<-in.done
		return fmt.Errorf("%w\nstderr: %s", err, strings.TrimSpace(in.stderr.String()))
	}
	return nil
}

func boolFlag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// wait owns the harness's child: the harness runs outside the container,
// so os/exec's Wait is the right tool here (appstart itself never uses it).
func (in *Instance) wait() {
	in.cmd.Wait()
	in.exitedAt = time.Now()
	close(in.done)
}

// awaitSetup reads setup.sh's barrier on fd 3: "exec" once the root is built.
func (in *Instance) awaitSetup(r *os.File) error {
	r.SetReadDeadline(time.Now().Add(setupTimeout))
	line, err := bufio.NewReader(r).ReadString('\n')
	switch {
	case err == nil && line == "exec\n":
		in.execAt = time.Now()
		return nil
	case errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Errorf("cannot build the container: setup took longer than %v", setupTimeout)
	default:
		return errors.New("cannot build the container: setup.sh failed")
	}
}
