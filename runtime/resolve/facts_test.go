package resolve

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
	"syscall"
	"testing"
	"time"

	"appstart/runtime/environ"
	"appstart/runtime/ident"
	"appstart/runtime/spec"
)

// The fixtures: an image as a map of paths with owners and modes, and a
// passwd/group pair read by the real ident.Lookup, so resolution is tested
// without root and without touching the machine's files.

// fakeFile is one entry of the fake image.
type fakeFile struct {
	mode     fs.FileMode // type bits and permissions
	uid, gid uint32
	data     []byte
}

// image is a fake filesystem. Facts read it at call time, so a test may
// add a file after Bind to see what a start-time check says then.
type image map[string]*fakeFile

// newImage has the usual base: root-owned directories and tools, a
// cloudron user's code in /app/code, and the writable roots.
func newImage() image {
	im := image{}
	for _, d := range []string{"/", "/bin", "/usr", "/usr/bin", "/usr/local/bin", "/usr/sbin", "/etc",
		"/app", "/app/code", "/app/pkg", "/run", "/tmp", "/app/data", "/home/cloudron"} {
		im.dir(d, 0o755, 0, 0)
	}
	im.file("/bin/sh", 0o755, 0, 0, "\x7fELF")
	im.file("/usr/bin/env", 0o755, 0, 0, "\x7fELF")
	im.file("/usr/bin/node", 0o755, 0, 0, "\x7fELF")
	im.file("/usr/bin/redis-cli", 0o755, 0, 0, "\x7fELF")
	im.file("/usr/bin/python3", 0o755, 0, 0, "\x7fELF")
	im.file("/app/code/start.sh", 0o755, 0, 0, "#!/bin/sh\nexec node server.js\n")
	return im
}

// dir adds a directory (its parents too, root-owned 0755 when absent).
func (im image) dir(p string, perm fs.FileMode, uid, gid uint32) {
	im.parents(p)
	im[p] = &fakeFile{mode: fs.ModeDir | perm, uid: uid, gid: gid}
}

// file adds a regular file (its parents too).
func (im image) file(p string, perm fs.FileMode, uid, gid uint32, data string) {
	im.parents(p)
	im[p] = &fakeFile{mode: perm, uid: uid, gid: gid, data: []byte(data)}
}

func (im image) parents(p string) {
	for d := path.Dir(p); d != "/" && d != "."; d = path.Dir(d) {
		if _, ok := im[d]; !ok {
			im[d] = &fakeFile{mode: fs.ModeDir | 0o755}
		}
	}
}

func (im image) stat(p string) (fs.FileInfo, error) {
	f, ok := im[path.Clean(p)]
	if !ok {
		return nil, &fs.PathError{Op: "stat", Path: p, Err: fs.ErrNotExist}
	}
	return fakeInfo{name: path.Base(p), f: f}, nil
}

func (im image) readFile(p string) ([]byte, error) {
	f, ok := im[path.Clean(p)]
	switch {
	case !ok:
		return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
	case f.mode.IsDir():
		return nil, &fs.PathError{Op: "read", Path: p, Err: syscall.EISDIR}
	}
	return append([]byte(nil), f.data...), nil
}

func (im image) head(p string, n int) ([]byte, error) {
	b, err := im.readFile(p)
	if len(b) > n {
		b = b[:n]
	}
	return b, err
}

// fakeInfo is a FileInfo whose Sys is a *syscall.Stat_t, as os.Stat's,
// so resolution sees owners.
type fakeInfo struct {
	name string
	f    *fakeFile
}

func (i fakeInfo) Name() string       { return i.name }
func (i fakeInfo) Size() int64        { return int64(len(i.f.data)) }
func (i fakeInfo) Mode() fs.FileMode  { return i.f.mode }
func (i fakeInfo) ModTime() time.Time { return time.Time{} }
func (i fakeInfo) IsDir() bool        { return i.f.mode.IsDir() }
func (i fakeInfo) Sys() any {
	return &syscall.Stat_t{Uid: i.f.uid, Gid: i.f.gid, Mode: uint32(i.f.mode.Perm())}
}

// The user table: cloudron is also in www-data's group, as in Cloudron's
// base image.
const (
	testPasswd = `root:x:0:0:root:/root:/bin/bash
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
cloudron:x:1000:1000:Cloudron:/home/cloudron:/bin/bash
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
`
	testGroup = `root:x:0:
www-data:x:33:cloudron
cloudron:x:1000:
nogroup:x:65534:
`
)

// fixture is one test's image and environment.
type fixture struct {
	im  image
	env []string
	uid int // appstart's own uid
}

func newFixture() *fixture {
	return &fixture{im: newImage(), env: []string{"PATH=/usr/local/bin:/usr/bin:/bin", "HOSTNAME=box"}}
}

func (fx *fixture) facts() Facts {
	return Facts{
		Env: fx.env,
		User: func(s string) (ident.User, error) {
			return ident.Lookup(s, strings.NewReader(testPasswd), strings.NewReader(testGroup))
		},
		Stat:     fx.im.stat,
		ReadFile: fx.im.readFile,
		Head:     fx.im.head,
		Uid:      fx.uid,
	}
}

const specFile = "appstart.toml"

// parse parses an inline spec, failing the test on a spec problem.
func parse(t *testing.T, src string) *spec.Spec {
	t.Helper()
	s, err := spec.Parse(specFile, []byte(src))
	if err != nil {
		t.Fatalf("spec.Parse: %v\n%s", err, src)
	}
	return s
}

// parseErr is spec.Parse of an inline spec, for what the spec refuses.
func parseErr(src string) (*spec.Spec, error) { return spec.Parse(specFile, []byte(src)) }

// resolve parses src and resolves it in mode.
func (fx *fixture) resolve(t *testing.T, src string, in Input) (*Plan, *Problems) {
	t.Helper()
	return Resolve(parse(t, src), fx.facts(), in)
}

// bind resolves src in Run mode, expects no resolution problem, and binds
// with the container environment plus extra variables (what the stages
// would have composed).
func (fx *fixture) bind(t *testing.T, src string, in Input, extra ...string) ([]Program, *Problems) {
	t.Helper()
	in.Mode = Run
	plan, probs := fx.resolve(t, src, in)
	if probs != nil {
		t.Fatalf("Resolve: unexpected problems:\n%v", probs)
	}
	vars := environ.New(append(append([]string(nil), fx.env...), extra...))
	return plan.Bind(vars, nil)
}

// bindOK is bind with no problem expected.
func (fx *fixture) bindOK(t *testing.T, src string, in Input, extra ...string) []Program {
	t.Helper()
	progs, probs := fx.bind(t, src, in, extra...)
	if probs != nil {
		t.Fatalf("Bind: unexpected problems:\n%v", probs)
	}
	return progs
}

// one returns the one program bound, by name.
func one(t *testing.T, progs []Program, name string) Program {
	t.Helper()
	for _, p := range progs {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no program %q among %v", name, names(progs))
	return Program{}
}

func names(progs []Program) []string {
	out := make([]string, len(progs))
	for i, p := range progs {
		out[i] = p.Name
	}
	return out
}

// lineOf is the 1-based line of src holding needle: where a problem
// about that key must point.
func lineOf(t *testing.T, src, needle string) int {
	t.Helper()
	for i, l := range strings.Split(src, "\n") {
		if strings.Contains(l, needle) {
			return i + 1
		}
	}
	t.Fatalf("%q not in the spec", needle)
	return 0
}

// at is the "file:line: key: " start of a problem about key, on the line
// of src holding needle.
func at(t *testing.T, src, needle, key string) string {
	t.Helper()
	return fmt.Sprintf("%s:%d: %s: ", specFile, lineOf(t, src, needle), key)
}

// wantProblem asserts probs holds a problem starting with prefix (see at)
// whose message contains every one of msgs.
func wantProblem(t *testing.T, probs *Problems, prefix string, msgs ...string) {
	t.Helper()
	if probs == nil {
		t.Fatalf("no problems; want %q %q", prefix, msgs)
	}
next:
	for _, p := range probs.Problems {
		s := p.String()
		if !strings.HasPrefix(s, prefix) {
			continue
		}
		for _, m := range msgs {
			if !strings.Contains(s, m) {
				continue next
			}
		}
		return
	}
	t.Fatalf("no problem %q with %q among:\n%v", prefix, msgs, probs)
}

// wantOnly asserts probs has exactly n problems (plus no missing variable).
func wantCount(t *testing.T, probs *Problems, n int) {
	t.Helper()
	if probs.Count() != n {
		t.Fatalf("want %d problem(s), got %d:\n%v", n, probs.Count(), probs)
	}
}

// missing returns the missing variable called name, or nil.
func missing(probs *Problems, name string) *Missing {
	if probs == nil {
		return nil
	}
	for i := range probs.Missing {
		if probs.Missing[i].Name == name {
			return &probs.Missing[i]
		}
	}
	return nil
}

// envOf returns NAME's value in a program's environment.
func envOf(p Program, name string) (string, bool) {
	for _, kv := range p.Launch.Env {
		if k, v, _ := strings.Cut(kv, "="); k == name {
			return v, true
		}
	}
	return "", false
}
