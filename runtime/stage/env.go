package stage

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"appstart/runtime/cgroup"
	"appstart/runtime/environ"
	"appstart/runtime/ident"
	"appstart/runtime/proc"
	"appstart/runtime/spec"
	"appstart/runtime/sysx"
)

// Runner runs one command to its end. runtime/app passes its *proc.Reaper,
// the one owner of wait4; tests pass a fake where a real process is not the
// point.
type Runner interface {
	Run(ctx context.Context, c proc.Cmd) (proc.Exit, error)
}

// DefaultManifest is where on_upgrade reads the package version when the
// spec gives none.
const DefaultManifest = "/app/pkg/CloudronManifest.json"

// Env is everything the stages read and the state they build up. Fill in
// Spec, Vars and Runner; every other field has a working zero value.
//
//	e := &stage.Env{Spec: s, Vars: environ.New(os.Environ()), Runner: reaper,
//		Log: func(f string, a ...any) { fmt.Fprintf(os.Stderr, "appstart: "+f+"\n", a...) }}
//	sum, err := stage.Run(ctx, e, "")
//	// sum.String() == "ready in 84ms: 3 dirs, 2 secrets (kept), workers=3 from 512MiB cgroup v1, ..."
type Env struct {
	Spec *spec.Spec
	// Vars is the composed environment; the stages add to it and programs
	// get it afterwards.
	Vars *environ.Env
	// Runner runs first_run, on_upgrade, on_start and secret commands.
	Runner Runner

	// Root holds etc/passwd and etc/group; "" is "/".
	Root string
	// Users, when set, resolves "user[:group]" instead of Root's files:
	// a start passes the users resolution already looked up
	// (resolve.Plan.User), so the image's passwd is read once.
	Users func(spec string) (ident.User, error)
	// FS is read for the cgroup limit, and on a fixture tree for the
	// machine's memory (the real root asks sysinfo); nil is the real root.
	FS fs.FS
	// Memory, when set, gives the cgroup's memory limit instead of a read
	// of FS: a start reads it ahead, while the spec is decoded
	// (cgroup.ReadAhead).
	Memory func() (cgroup.Memory, error)
	// Manifest is the package manifest; "" is DefaultManifest.
	Manifest string
	// Log receives appstart's own messages, already masked; nil drops them.
	Log func(format string, args ...any)
	// Output receives the output of commands, line by line, masked and
	// prefixed with the stage; nil drops it (the last lines still go into
	// a failure's error).
	Output io.Writer
	// Rand is the source of generated secrets; nil is the kernel's
	// CSPRNG (sysx.Random, getrandom(2), as crypto/rand on Linux).
	Rand io.Reader
	// Now is the clock of the summary's timings; nil is time.Now.
	Now func() time.Time

	// DryRun is `appstart plan`: every stage reports through Plan what it
	// would do and changes nothing.
	DryRun bool
	Plan   func(line string)
	// ReadOnly is `appstart task`: variables are composed, existing secrets
	// read, nothing is created or run; a missing secret is an error.
	ReadOnly bool
	// Progress, when set, is called with each stage's name as it starts
	// (for a debug log, and the crash test's record of where it struck).
	Progress func(stage string)
	// Needs starts the named programs and returns once they are ready
	// (first_run's needs). nil with a non-empty needs is an error.
	Needs func(ctx context.Context, names []string) error
	// Report, when set, is told how a stage that runs longer than
	// ReportAfter (0: DefaultReportAfter) is going, every ReportEvery (0:
	// DefaultReportEvery), from another goroutine (see StageProgress).
	Report      func(StageProgress)
	ReportAfter time.Duration
	ReportEvery time.Duration

	work      atomic.Int64 // entries the running stage has done, for Report
	users     map[string]ident.User
	firstRan  bool      // first_run ran its commands in this start
	parts     []Part    // the summary, one per stage that did something
	started   time.Time // when the first stage began
	stageName string    // the running stage, for output prefixes
}

func (e *Env) defaults() {
	if e.Vars == nil {
		e.Vars = environ.New(nil)
	}
	if e.FS == nil {
		e.FS = sysx.NewRoot()
	}
	if e.Manifest == "" {
		e.Manifest = DefaultManifest
	}
	if e.Rand == nil {
		e.Rand = sysx.Random
	}
	if e.Now == nil {
		e.Now = time.Now
	}
}

// logf masks with the secrets known now, so a value exported by an earlier
// stage never reaches the log.
func (e *Env) logf(format string, args ...any) {
	if e.Log == nil {
		return
	}
	e.Log("%s", e.Vars.Masker().Mask(fmt.Sprintf(format, args...)))
}

// planf reports one line of the plan, masked.
func (e *Env) planf(format string, args ...any) {
	if e.Plan == nil {
		return
	}
	e.Plan(e.Vars.Masker().Mask(e.stageName + ": " + fmt.Sprintf(format, args...)))
}

// mutates reports whether this run may change the filesystem or run
// commands: not in plan (DryRun) nor task (ReadOnly) mode.
func (e *Env) mutates() bool {
	return !e.DryRun && !e.ReadOnly
}

// user resolves a "user[:group]" spec from the container's own passwd and
// group, once per spec.
func (e *Env) user(spec string) (ident.User, error) {
	if u, ok := e.users[spec]; ok {
		return u, nil
	}
	var u ident.User
	var err error
	if e.Users != nil {
		u, err = e.Users(spec)
	} else {
		root := e.Root
		if root == "" {
			root = "/"
		}
		u, err = ident.LookupFiles(spec, filepath.Join(root, "etc/passwd"), filepath.Join(root, "etc/group"))
	}
	if err != nil {
		return ident.User{}, fmt.Errorf("cannot resolve user %q: %w", spec, err)
	}
	if e.users == nil {
		e.users = map[string]ident.User{}
	}
	e.users[spec] = u
	return u, nil
}

// owner resolves an owner spec to the numeric ids files get.
func (e *Env) owner(spec string) (uid, gid int, err error) {
	u, err := e.user(spec)
	if err != nil {
		return 0, 0, err
	}
	return int(u.Uid), int(u.Gid), nil
}

// skip evaluates an entry's when/unless against the composed environment
// and the filesystem as it stands.
func (e *Env) skip(when, unless spec.Cond) (bool, string) {
	return spec.Skip(when, unless, e.Vars.Lookup, exists)
}

// exists reports whether path exists, without following a final symlink.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
