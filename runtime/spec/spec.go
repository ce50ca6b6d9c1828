package spec

import (
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"slices"
	"time"

	"appstart/runtime/manifest"
	"appstart/runtime/sysx"

	"github.com/BurntSushi/toml"
)

// Stages is the fixed order of a start; "dirs" includes remove and
// "templates" includes patch.
var Stages = []string{"env", "dirs", "seed", "secrets", "workers", "templates", "chown", "first_run", "on_upgrade", "on_start", "programs"}

// Spec is a loaded appstart.toml: every default applied, every value
// typed and checked. Treat it as read-only; it is shared by the stages,
// the supervisor and the CLI. Fields that may legitimately be unset say
// what unset means.
type Spec struct {
	// User is the default user of commands and programs, "user" or
	// "user:group" (names or ids; resolved later by runtime/ident).
	User string
	// EnvFile lists the user override files read in order; a missing file
	// is fine.
	EnvFile []string
	// Overridable lists managed variables an env_file may override.
	Overridable []string
	// Writable lists the spec's own persistent directories besides the
	// defaults (the writable key); WritableRoots adds the manifest's.
	Writable []string
	// Remove lists globs under /run, /tmp and /app/data removed before
	// anything else.
	Remove []string
	// Env and EnvDefaults keep the order written: an [env] entry may use
	// the ones before it.
	Env         []Pair
	EnvDefaults []Pair

	Dirs    []Dir
	Seed    []Seed
	Secrets []Secret
	// Workers is nil when the spec has no [workers] table.
	Workers   *Workers
	Templates []Template
	Patch     []Patch
	Chown     []Chown
	// FirstRun and OnUpgrade are nil when their table is absent.
	FirstRun  *FirstRun
	OnUpgrade *OnUpgrade
	// Upgrades are the [[upgrade]] entries, in written order, run after
	// OnUpgrade.
	Upgrades []Upgrade
	OnStart  []OnStart
	// StopTimeout is the stop budget: how long stopping every program may
	// take in all, shared along the stop order by the programs without a
	// stopwaitsecs (Program.StopWaitShared).
	StopTimeout time.Duration
	// Programs and Tasks are sorted by name.
	Programs []Program
	Tasks    []Task

	// Warnings are things worth a look that do not stop a start (such as
	// stop waits that add up past the platform's grace period).
	Warnings []Problem

	// Manifest is the CloudronManifest.json beside the spec (Load), nil
	// when there is none.
	Manifest *manifest.Manifest

	// File is the path the spec was read from; at is where each key is
	// written in it, so problems found later (resolution against the
	// image) still name the line.
	File string
	at   map[string]pos
	// roots are DefaultWritable, the manifest's persistentDirs and
	// Writable: see WritableRoots.
	roots []string
}

// WritableRoots are the directories the stages may write under: /app/data,
// /run, /tmp, the manifest's persistentDirs and the spec's writable, in that
// order. runtime/fsops gets them as the roots below which it follows no
// link.
func (s *Spec) WritableRoots() []string {
	if s.roots == nil {
		return slices.Clone(DefaultWritable)
	}
	return slices.Clone(s.roots)
}

// Problem is a problem about key found after decoding, placed on the line
// where key (or its nearest written parent) is written.
//
//	s.Problem("programs.web.user", "no user %q in /etc/passwd", "www")
//	// appstart.toml:14: programs.web.user: no user "www" in /etc/passwd
func (s *Spec) Problem(key, format string, args ...any) Problem {
	c := checker{at: s.at}
	return Problem{File: s.File, Line: c.line(key), Key: key, Msg: fmt.Sprintf(format, args...)}
}

// Program returns the program named name, or nil.
func (s *Spec) Program(name string) *Program {
	for i := range s.Programs {
		if s.Programs[i].Name == name {
			return &s.Programs[i]
		}
	}
	return nil
}

// Task returns the task named name, or nil.
func (s *Spec) Task(name string) *Task {
	for i := range s.Tasks {
		if s.Tasks[i].Name == name {
			return &s.Tasks[i]
		}
	}
	return nil
}

// Options are what a spec is checked against besides its own text.
type Options struct {
	// PersistentDirs are writable directories besides DefaultWritable:
	// the manifest's persistentDirs.
	PersistentDirs []string
}

// Load reads and parses the spec at path, with the persistentDirs of the
// CloudronManifest.json beside it (none when there is no manifest); see
// Parse.
func Load(path string) (*Spec, error) {
	data, err := sysx.ReadFile(path) // four system calls where os.ReadFile makes ten
	if err != nil {
		return nil, fmt.Errorf("cannot read spec: %w", err)
	}
	var opts Options
	m, err := manifest.Load(manifest.Beside(path))
	switch {
	case err == nil:
		opts.PersistentDirs = m.PersistentDirs
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	s, err := ParseWith(path, data, opts)
	if s != nil {
		s.Manifest = m // read once: resolve's facts and the stages take it from here
	}
	return s, err
}

// Parse decodes, defaults and checks a spec; name is the file name used in
// problems. On any problem the error is an *Error listing all of them,
// sorted by line:
//
//	_, err := spec.Parse("appstart.toml", []byte("[programs.web]\ncomand = [\"node\"]\nstopsignal = \"TREM\"\n"))
//	// appstart.toml:2: programs.web: unknown key "comand", did you mean "command"?
//	// appstart.toml:3: programs.web.stopsignal: unknown signal "TREM": write a name such as "TERM"
func Parse(name string, data []byte) (*Spec, error) {
	return ParseWith(name, data, Options{})
}

// ParseWith is Parse with what lies beside the spec: a path under one of
// opts.PersistentDirs is writable, as one under the spec's own writable.
func ParseWith(name string, data []byte, opts Options) (*Spec, error) {
	var raw map[string]any
	if _, err := toml.Decode(string(data), &raw); err != nil {
		return nil, &Error{Problems: []Problem{syntaxProblem(name, err)}}
	}
	c := &checker{file: name, at: locate(data), written: map[string]bool{}, bad: map[string]bool{}}
	c.roots = append(slices.Clone(DefaultWritable), opts.PersistentDirs...)
	if own, iss := convRoots(raw["writable"]); iss == nil && raw["writable"] != nil {
		c.roots = append(c.roots, own.([]string)...) // refused ones are reported when the key is decoded
	}
	s := &Spec{}
	c.table("", raw, topKeys, reflect.ValueOf(s).Elem())
	s.check(c)
	warns := sortProblems(c.warns)
	if len(c.probs) > 0 {
		return nil, &Error{Problems: sortProblems(c.probs), Warnings: warns}
	}
	s.Warnings = warns
	s.File, s.at, s.roots = name, c.at, c.roots
	return s, nil
}

func syntaxProblem(name string, err error) Problem {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return Problem{File: name, Line: pe.Position.Line, Col: pe.Position.Col, Msg: "syntax error: " + pe.Message}
	}
	return Problem{File: name, Msg: "syntax error: " + err.Error()}
}

// check runs each part's own checks, then those across parts, in stage
// order.
func (s *Spec) check(c *checker) {
	c.user = s.User
	s.checkEnv(c)
	for i := range s.Dirs {
		s.Dirs[i].check(c, indexKey("dirs", i+1))
	}
	for i := range s.Seed {
		s.Seed[i].check(c, indexKey("seed", i+1))
	}
	for i := range s.Secrets {
		s.Secrets[i].check(c, indexKey("secrets", i+1))
	}
	s.checkSecrets(c)
	if s.Workers != nil {
		s.Workers.check(c, "workers")
	}
	for i := range s.Templates {
		s.Templates[i].check(c, indexKey("templates", i+1))
	}
	for i := range s.Patch {
		s.Patch[i].check(c, indexKey("patch", i+1))
	}
	s.checkTargets(c)
	for i := range s.Chown {
		s.Chown[i].check(c, indexKey("chown", i+1))
	}
	s.checkRuntimeDir(c) // issue 14: /run/appstart is appstart's own
	if s.FirstRun != nil {
		s.FirstRun.check(c, "first_run", s)
	}
	if s.OnUpgrade != nil {
		s.OnUpgrade.check(c, "on_upgrade", s)
	}
	for i := range s.Upgrades {
		s.Upgrades[i].check(c, indexKey("upgrade", i+1), s)
	}
	for i := range s.OnStart {
		s.OnStart[i].check(c, indexKey("on_start", i+1), s)
	}
	for i := range s.Programs {
		s.Programs[i].check(c, joinKey("programs", s.Programs[i].Name), s)
	}
	s.checkOrder(c)
	for i := range s.Tasks {
		s.Tasks[i].check(c, joinKey("tasks", s.Tasks[i].Name))
	}
}

// owner fills an unset owner or user with the top-level user.
func (c *checker) owner(o *string) {
	if *o == "" {
		*o = c.user
	}
}
