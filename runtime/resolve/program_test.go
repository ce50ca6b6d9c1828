package resolve

import (
	"appstart/runtime/spec"
	"context"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"appstart/runtime/environ"
	"appstart/runtime/supervise"
)

// Every [programs.NAME] key: what Bind makes of it, or the problem it
// reports on the line the key is written.

func TestBindArgvCommand(t *testing.T) {
	fx := newFixture()
	src := `
[programs.web]
command = ["node", "/app/code/server.js", "--port=${PORT}", "--n=${APPSTART_INSTANCE}"]
environment = { PORT = "3000" }
`
	p := one(t, fx.bindOK(t, src, Input{}), "web")
	if p.Launch.Path != "/usr/bin/node" {
		t.Errorf("Path = %q, want node found in PATH: /usr/bin/node", p.Launch.Path)
	}
	want := []string{"node", "/app/code/server.js", "--port=3000", "--n=1"}
	if !slices.Equal(p.Launch.Argv, want) {
		t.Errorf("Argv = %q, want %q (elements expanded from the program's own environment)", p.Launch.Argv, want)
	}
	for name, want := range map[string]string{"PORT": "3000", "HOME": "/home/cloudron", "USER": "cloudron",
		"LOGNAME": "cloudron", "APPSTART_INSTANCE": "1", "HOSTNAME": "box"} {
		if v, _ := envOf(p, name); v != want {
			t.Errorf("env %s = %q, want %q", name, v, want)
		}
	}
}

func TestBindShellCommand(t *testing.T) {
	fx := newFixture()
	src := `
[programs.web]
command = "exec node server.js > /dev/null"
`
	p := one(t, fx.bindOK(t, src, Input{}), "web")
	if p.Launch.Path != "/bin/sh" || !slices.Equal(p.Launch.Argv, []string{"/bin/sh", "-c", "exec node server.js > /dev/null"}) {
		t.Errorf("Path %q Argv %q, want /bin/sh -c with the line unexpanded", p.Launch.Path, p.Launch.Argv)
	}
}

// A command the start could not exec is reported once, on the line of
// command: each case sets up the image, writes the program's keys, and
// wants the message.
func TestBindCommandProblems(t *testing.T) {
	for _, tc := range []struct {
		name  string
		image func(im image)
		keys  string // of [programs.web]
		msg   string
	}{
		{"shell word not found", nil, "command = \"exec pg_ctl start\"\n", "pg_ctl: not found in PATH"},
		{"not found", nil, "command = [\"nodejs\", \"server.js\"]\n", "nodejs: not found in PATH /usr/local/bin:/usr/bin:/bin"},
		{"absent path", nil, "command = [\"/app/code/run.sh\"]\n", "/app/code/run.sh does not exist in the image"},
		{"not executable by user", func(im image) { im.file("/app/code/start.sh", 0o744, 0, 0, "#!/bin/sh\n") },
			"command = [\"/app/code/start.sh\"]\n",
			"/app/code/start.sh is not executable by cloudron (uid 1000): mode -rwxr--r--, owner uid 0 gid 0"},
		// The kernel uses one class: the owner's bits for the owner, even
		// when other has more.
		{"owner class only", func(im image) { im.file("/app/code/start.sh", 0o605, 1000, 1000, "\x7fELF") },
			"command = [\"/app/code/start.sh\"]\n", "not executable by cloudron"},
		{"directory not searchable", func(im image) { im.dir("/app/code", 0o700, 0, 0) },
			"command = [\"/app/code/start.sh\"]\n",
			"/app/code/start.sh is not reachable by cloudron (uid 1000): its directory /app/code is mode -rwx------, owner uid 0 gid 0"},
		{"shebang interpreter missing", func(im image) { im.file("/app/code/start.sh", 0o755, 0, 0, "#!/usr/bin/ruby -w\nputs 1\n") },
			"command = [\"/app/code/start.sh\"]\n",
			"/app/code/start.sh starts with #!/usr/bin/ruby, which does not exist in the image"},
		{"shebang interpreter not executable", func(im image) {
			im.file("/usr/bin/python3", 0o750, 0, 0, "\x7fELF")
			im.file("/app/code/start.py", 0o755, 0, 0, "#!/usr/bin/python3\nprint(1)\n")
		}, "command = [\"/app/code/start.py\"]\n", "/app/code/start.py: its interpreter /usr/bin/python3 is not executable by cloudron"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture()
			if tc.image != nil {
				tc.image(fx.im)
			}
			src := "[programs.web]\n" + tc.keys
			_, probs := fx.bind(t, src, Input{})
			wantProblem(t, probs, at(t, src, "command =", "programs.web.command"), tc.msg)
			wantCount(t, probs, 1)
		})
	}
}

func TestBindShellBuiltinIsNotLookedUp(t *testing.T) {
	fx := newFixture()
	src := `
[programs.web]
command = "cd /app/code && exec node server.js"
`
	fx.bindOK(t, src, Input{})
}

// The image's PATH lacks a non-executable match: exec skips it, as lookPath.
func TestBindCommandSkipsNonExecutableInPath(t *testing.T) {
	fx := newFixture()
	fx.im.file("/usr/local/bin/node", 0o644, 0, 0, "not a binary")
	p := one(t, fx.bindOK(t, "[programs.web]\ncommand = [\"node\"]\n", Input{}), "web")
	if p.Launch.Path != "/usr/bin/node" {
		t.Errorf("Path = %q, want /usr/bin/node (the first with an execute bit)", p.Launch.Path)
	}
}

// A supplementary group from /etc/group counts: cloudron is in www-data.
func TestBindCommandGroupClass(t *testing.T) {
	fx := newFixture()
	fx.im.file("/app/code/start.sh", 0o750, 0, 33, "\x7fELF")
	fx.bindOK(t, "[programs.web]\ncommand = [\"/app/code/start.sh\"]\n", Input{})

	src := "[programs.web]\ncommand = [\"/app/code/start.sh\"]\nuser = \"nobody\"\n"
	_, probs := fx.bind(t, src, Input{})
	wantProblem(t, probs, at(t, src, "command =", "programs.web.command"), "not executable by nobody (uid 65534)")
}

// root needs one execute bit somewhere, and ignores owners.
func TestBindCommandRoot(t *testing.T) {
	fx := newFixture()
	fx.im.file("/app/code/start.sh", 0o700, 1000, 1000, "\x7fELF")
	fx.bindOK(t, "[programs.web]\ncommand = [\"/app/code/start.sh\"]\nuser = \"root\"\n", Input{})

	fx.im.file("/app/code/start.sh", 0o644, 0, 0, "\x7fELF")
	src := "[programs.web]\ncommand = [\"/app/code/start.sh\"]\nuser = \"root\"\n"
	_, probs := fx.bind(t, src, Input{})
	wantProblem(t, probs, at(t, src, "command =", "programs.web.command"), "not executable by root (uid 0)")
}

// A command a [[seed]] copies into a writable root is not in the image
// yet: accepted, judged when it runs.
func TestBindCommandMadeBySeed(t *testing.T) {
	fx := newFixture()
	src := `
[[seed]]
from = "/app/code/bin/"
to = "/app/data/bin/"

[programs.web]
command = ["/app/data/bin/server"]
`
	fx.im.dir("/app/code/bin", 0o755, 0, 0)
	p := one(t, fx.bindOK(t, src, Input{}), "web")
	if p.Launch.Path != "/app/data/bin/server" {
		t.Errorf("Path = %q, want the seeded path as written", p.Launch.Path)
	}
}

func TestBindCommandFromVariable(t *testing.T) {
	fx := newFixture()
	src := `
[env]
SERVER = "/usr/bin/node"

[programs.web]
command = ["${SERVER}", "app.js"]
`
	p := one(t, fx.bindOK(t, src, Input{}, "SERVER=/usr/bin/node"), "web")
	if p.Launch.Path != "/usr/bin/node" || p.Launch.Argv[0] != "/usr/bin/node" {
		t.Errorf("Path %q Argv %q, want the expanded /usr/bin/node", p.Launch.Path, p.Launch.Argv)
	}
}

func TestBindCommandExpandsToEmpty(t *testing.T) {
	fx := newFixture()
	src := `
[env_defaults]
SERVER = ""

[programs.web]
command = ["${SERVER}", "app.js"]
`
	_, probs := fx.bind(t, src, Input{}, "SERVER=")
	wantProblem(t, probs, at(t, src, "command =", "programs.web.command"), `"${SERVER}" expands to an empty program name`)
}

func TestBindCommandUnsetVariable(t *testing.T) {
	fx := newFixture()
	src := `
[programs.web]
command = ["node", "--port=${PORT}"]
`
	plan, probs := fx.resolve(t, src, Input{Mode: Run})
	if m := missing(probs, "PORT"); m == nil || !slices.Equal(m.NeededBy, []string{"programs.web.command"}) {
		t.Fatalf("Resolve: want PORT missing, needed by programs.web.command; got %v", probs)
	}
	_, probs = plan.Bind(environ.New(fx.env), nil)
	wantProblem(t, probs, at(t, src, "command =", "programs.web.command"), "${PORT} is not set")
}

func TestBindDirectory(t *testing.T) {
	fx := newFixture()
	p := one(t, fx.bindOK(t, "[programs.web]\ncommand = [\"node\"]\ndirectory = \"/app/code\"\n", Input{}), "web")
	if p.Launch.Dir != "/app/code" {
		t.Errorf("Dir = %q, want /app/code", p.Launch.Dir)
	}
	p = one(t, fx.bindOK(t, "[programs.web]\ncommand = [\"node\"]\n", Input{}), "web")
	if p.Launch.Dir != "" {
		t.Errorf("Dir = %q, want \"\" (appstart's own) when unset", p.Launch.Dir)
	}
}

func TestBindDirectoryProblems(t *testing.T) {
	fx := newFixture()
	fx.im.dir("/app/code/private", 0o700, 0, 0)
	for _, tc := range []struct{ dir, msg string }{
		{"/app/code/missing", "/app/code/missing does not exist in the image and no [[dirs]] entry creates it"},
		{"/app/code/start.sh", "/app/code/start.sh is not a directory"},
		{"/app/code/private", "/app/code/private cannot be entered by cloudron (uid 1000): mode -rwx------, owner uid 0 gid 0"},
	} {
		src := "[programs.web]\ncommand = [\"node\"]\ndirectory = \"" + tc.dir + "\"\n"
		_, probs := fx.bind(t, src, Input{})
		wantProblem(t, probs, at(t, src, "directory =", "programs.web.directory"), tc.msg)
	}
}

func TestBindDirectoryMadeByDirs(t *testing.T) {
	fx := newFixture()
	src := `
[[dirs]]
path = "/run/app"

[programs.web]
command = ["node"]
directory = "/run/app"
`
	if p := one(t, fx.bindOK(t, src, Input{}), "web"); p.Launch.Dir != "/run/app" {
		t.Errorf("Dir = %q", p.Launch.Dir)
	}
}

func TestBindEnvironment(t *testing.T) {
	fx := newFixture()
	src := `
[programs.web]
command = ["node"]
environment = { PORT = "80", URL = "http://${HOSTNAME}:${PORT}", HOME = "/app/data" }
`
	// An entry may use one written before it and the container's
	// variables, and overrides the user's HOME.
	p := one(t, fx.bindOK(t, src, Input{}), "web")
	for name, want := range map[string]string{"URL": "http://box:80", "PORT": "80", "HOME": "/app/data"} {
		if v, _ := envOf(p, name); v != want {
			t.Errorf("env %s = %q, want %q", name, v, want)
		}
	}
}

func TestBindEnvironmentForwardReference(t *testing.T) {
	fx := newFixture()
	src := `
[programs.web]
command = ["node"]
environment = { URL = "http://${HOSTNAME}:${PORT}", PORT = "80" }
`
	_, probs := fx.bind(t, src, Input{})
	wantProblem(t, probs, at(t, src, "environment =", "programs.web.environment"), "move PORT above URL")
}

func TestBindEnvironmentUnset(t *testing.T) {
	fx := newFixture()
	src := `
[programs.web]
command = ["node"]
environment = { URL = "http://${NOPE}/" }
`
	plan, probs := fx.resolve(t, src, Input{Mode: Run})
	if m := missing(probs, "NOPE"); m == nil {
		t.Errorf("Resolve: NOPE not missing: %v", probs)
	}
	_, probs = plan.Bind(environ.New(fx.env), nil)
	wantProblem(t, probs, at(t, src, "environment =", "programs.web.environment"), "${NOPE} is not set")
}

func TestBindUser(t *testing.T) {
	fx := newFixture()
	src := `
[programs.web]
command = ["node"]

[programs.proxy]
command = ["node"]
user = "www-data"

[programs.root]
command = ["node"]
user = "root"
`
	progs := fx.bindOK(t, src, Input{})
	web, proxy, root := one(t, progs, "web"), one(t, progs, "proxy"), one(t, progs, "root")
	if u := web.Launch.User; u.Name != "cloudron" || u.Uid != 1000 || u.Gid != 1000 || !slices.Equal(u.Groups, []uint32{1000, 33}) {
		t.Errorf("web (the top-level user) = %+v, want cloudron 1000:1000 groups [1000 33]", u)
	}
	if u := proxy.Launch.User; u.Uid != 33 || u.Gid != 33 || proxy.Launch.KeepIdentity {
		t.Errorf("proxy = %+v keep %v, want www-data 33:33", u, proxy.Launch.KeepIdentity)
	}
	if u := root.Launch.User; u.Uid != 0 || !root.Launch.KeepIdentity {
		t.Errorf("root = %+v keep %v, want uid 0 and KeepIdentity when appstart is root", u, root.Launch.KeepIdentity)
	}
	if web.Launch.KeepIdentity {
		t.Error("cloudron: KeepIdentity, want a credential change")
	}

	// appstart not root: "root" is a uid to switch to, not an identity kept.
	fx.uid = 1000
	if root := one(t, fx.bindOK(t, src, Input{}), "root"); root.Launch.KeepIdentity {
		t.Error("appstart uid 1000, user root: KeepIdentity, want false")
	}
}

func TestResolveUnknownUser(t *testing.T) {
	fx := newFixture()
	src := `
[programs.web]
command = ["node"]
user = "ghost"
`
	plan, probs := fx.resolve(t, src, Input{})
	wantProblem(t, probs, at(t, src, "user = \"ghost\"", "programs.web.user"), `cannot look up user "ghost"`)
	wantCount(t, probs, 1)
	// Bind follows Resolve, which said it: once is enough.
	progs, probs := plan.Bind(environ.New(fx.env), nil)
	wantCount(t, probs, 0)
	if len(progs) != 0 {
		t.Errorf("bound %v with an unknown user", names(progs))
	}
}

// A numeric uid not in passwd is valid (gosu's rule): uid 4242, gid 0.
func TestBindNumericUser(t *testing.T) {
	fx := newFixture()
	fx.im.file("/app/code/start.sh", 0o755, 0, 0, "\x7fELF")
	p := one(t, fx.bindOK(t, "[programs.web]\ncommand = [\"/app/code/start.sh\"]\nuser = \"4242\"\n", Input{}), "web")
	if p.Launch.User.Uid != 4242 || p.Launch.User.Gid != 0 {
		t.Errorf("User = %+v, want uid 4242 gid 0", p.Launch.User)
	}
}

func TestBindPolicyFields(t *testing.T) {
	fx := newFixture()
	src := `
[programs.db]
command = ["node"]

[programs.web]
command = ["node"]
no_new_privs = true
autostart = false
autorestart = "always"
exitcodes = [0, 2]
startsecs = 5
startretries = 7
stopsignal = "QUIT"
stopwaitsecs = 30
after = ["db"]
ready_timeout = "90s"
on_unhealthy = "stop"
on_fatal = "ignore"
forward = ["HUP", "USR2"]
pidfile = "/run/web.pid"
log_prefix = "front"
`
	progs := fx.bindOK(t, src, Input{})
	web, db := one(t, progs, "web"), one(t, progs, "db")
	got := web.Program
	if !web.Launch.NoNewPrivs || got.AutoStart || got.AutoRestart != spec.RestartAlways ||
		!slices.Equal(got.ExitCodes, []int{0, 2}) || got.StartSecs != 5*time.Second || got.StartRetries != 7 ||
		got.StopSignal != syscall.SIGQUIT || got.StopWait != 30*time.Second || !slices.Equal(got.After, []string{"db"}) ||
		got.ReadyTimeout != 90*time.Second || got.OnUnhealthy != spec.UnhealthyStop ||
		got.OnFatal != spec.FatalIgnore || !slices.Equal(got.Forward, []syscall.Signal{syscall.SIGHUP, syscall.SIGUSR2}) ||
		got.PidFile != "/run/web.pid" || web.Launch.LogLabel != "front" || got.Group != "web" || got.Instance != 0 {
		t.Errorf("web = %+v\nlaunch %+v", got, web.Launch)
	}
	// The defaults, as supervisord's.
	d := db.Program
	if db.Launch.NoNewPrivs || !d.AutoStart || d.AutoRestart != spec.RestartUnexpected ||
		!slices.Equal(d.ExitCodes, []int{0}) || d.StartSecs != time.Second || d.StartRetries != 3 ||
		d.StopSignal != syscall.SIGTERM || d.StopWait != 10*time.Second || d.After != nil || d.Ready != nil ||
		d.ReadyTimeout != time.Minute || d.Health != nil || d.OnUnhealthy != spec.UnhealthyRestart ||
		d.OnFatal != spec.FatalStop || d.PidFile != "" || d.Schedule != nil || d.Skip != nil ||
		db.Launch.LogLabel != "db" {
		t.Errorf("db defaults = %+v\nlaunch %+v", d, db.Launch)
	}
	if !slices.Equal(d.Forward, []syscall.Signal{syscall.SIGHUP, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH, syscall.SIGQUIT}) {
		t.Errorf("db forward = %v", d.Forward)
	}
}

func TestBindAutorestartNever(t *testing.T) {
	fx := newFixture()
	p := one(t, fx.bindOK(t, "[programs.job]\ncommand = [\"node\"]\nautorestart = \"never\"\n", Input{}), "job")
	if p.AutoRestart != spec.RestartNever {
		t.Errorf("AutoRestart = %v, want RestartNever", p.AutoRestart)
	}
}

func TestBindSchedule(t *testing.T) {
	fx := newFixture()
	p := one(t, fx.bindOK(t, "[programs.cron]\ncommand = [\"node\", \"job.js\"]\nschedule = \"*/5 * * * *\"\n", Input{}), "cron")
	if p.Schedule == nil {
		t.Fatal("Schedule nil")
	}
	from := time.Date(2024, 1, 1, 10, 1, 0, 0, time.UTC)
	if next := p.Schedule.Next(from); !next.Equal(time.Date(2024, 1, 1, 10, 5, 0, 0, time.UTC)) {
		t.Errorf("Next(10:01) = %v, want 10:05", next)
	}
}

func TestBindLogLabels(t *testing.T) {
	fx := newFixture()
	// One program: its output passes through unlabelled.
	if p := one(t, fx.bindOK(t, "[programs.web]\ncommand = [\"node\"]\n", Input{}), "web"); p.Launch.LogLabel != "" {
		t.Errorf("one program: LogLabel %q, want \"\"", p.Launch.LogLabel)
	}
	src := `
[programs.web]
command = ["node"]

[programs.quiet]
command = ["node"]
log_prefix = ""

[programs.worker]
command = ["node"]
instances = 2
log_prefix = "w"
`
	progs := fx.bindOK(t, src, Input{})
	for name, want := range map[string]string{"web": "web", "quiet": "", "worker:1": "w.1", "worker:2": "w.2"} {
		if got := one(t, progs, name).Launch.LogLabel; got != want {
			t.Errorf("%s: LogLabel %q, want %q", name, got, want)
		}
	}
}

func TestBindInstances(t *testing.T) {
	fx := newFixture()
	src := `
[programs.worker]
command = ["node", "worker.js", "--id=${APPSTART_INSTANCE}"]
instances = 3
`
	progs := fx.bindOK(t, src, Input{})
	if !slices.Equal(names(progs), []string{"worker:1", "worker:2", "worker:3"}) {
		t.Fatalf("names = %v", names(progs))
	}
	for i, p := range progs {
		n := string(rune('1' + i))
		if p.Group != "worker" || p.Instance != i+1 || p.Launch.Argv[2] != "--id="+n {
			t.Errorf("%s: group %q instance %d argv %q", p.Name, p.Group, p.Instance, p.Launch.Argv)
		}
		if v, _ := envOf(p, "APPSTART_INSTANCE"); v != n {
			t.Errorf("%s: APPSTART_INSTANCE=%q", p.Name, v)
		}
	}
}

func TestBindInstancesFromVariable(t *testing.T) {
	fx := newFixture()
	src := `
[workers]
per_worker = "100M"

[programs.worker]
command = ["node"]
instances = "${WORKERS}"
`
	plan, probs := fx.resolve(t, src, Input{Mode: Run})
	if probs != nil {
		t.Fatalf("Resolve: WORKERS is the workers stage's: %v", probs)
	}
	progs, probs := plan.Bind(environ.New(append(fx.env, "WORKERS=2")), nil)
	if probs != nil || !slices.Equal(names(progs), []string{"worker:1", "worker:2"}) {
		t.Fatalf("WORKERS=2: %v %v", names(progs), probs)
	}
	// WORKERS=1: one program named as written, still knowing its number.
	progs, _ = plan.Bind(environ.New(append(fx.env, "WORKERS=1")), nil)
	if p := one(t, progs, "worker"); p.Instance != 0 {
		t.Errorf("WORKERS=1: instance %d, want 0", p.Instance)
	} else if v, _ := envOf(p, "APPSTART_INSTANCE"); v != "1" {
		t.Errorf("WORKERS=1: APPSTART_INSTANCE=%q, want 1", v)
	}

	line := at(t, src, "instances =", "programs.worker.instances")
	for value, msg := range map[string]string{
		"abc":    `"abc" is not a number`,
		"100000": "must be at most 256, not 100000",
		"0":      "must be at least 1, not 0",
	} {
		progs, probs := plan.Bind(environ.New(append(fx.env, "WORKERS="+value)), nil)
		wantProblem(t, probs, line, msg)
		if len(progs) != 0 {
			t.Errorf("WORKERS=%s: bound %v", value, names(progs))
		}
	}
	_, probs = plan.Bind(environ.New(fx.env), nil)
	wantProblem(t, probs, line, "${WORKERS} is not set")
}

// The spec refuses a literal count out of range or not a number before
// resolution: the same bounds.
func TestParseRefusesLiteralInstances(t *testing.T) {
	for _, v := range []string{`"abc"`, "100000", "0"} {
		if _, err := parseErr("[programs.w]\ncommand = [\"node\"]\ninstances = " + v + "\n"); err == nil {
			t.Errorf("instances = %s: accepted", v)
		}
	}
}

func TestBindWhenUnlessVariable(t *testing.T) {
	fx := newFixture()
	src := `
[programs.ldap]
command = ["node"]
when = "LDAP_SERVER"

[programs.local]
command = ["node"]
unless = "LDAP_SERVER"
`
	if got := names(fx.bindOK(t, src, Input{})); !slices.Equal(got, []string{"local"}) {
		t.Errorf("LDAP_SERVER unset: %v, want [local]", got)
	}
	if got := names(fx.bindOK(t, src, Input{}, "LDAP_SERVER=ldap://x")); !slices.Equal(got, []string{"ldap"}) {
		t.Errorf("LDAP_SERVER set: %v, want [ldap]", got)
	}
	if got := names(fx.bindOK(t, src, Input{}, "LDAP_SERVER=")); !slices.Equal(got, []string{"local"}) {
		t.Errorf("LDAP_SERVER empty: %v, want [local] (empty is unset for a condition)", got)
	}
	// A variable condition is decided at Bind: no Skip left for later.
	if p := one(t, fx.bindOK(t, src, Input{}, "LDAP_SERVER=x"), "ldap"); p.Skip != nil {
		t.Error("variable condition: Skip set, want nil")
	}
}

// A path condition is decided when the program is about to start (after
// first_run made the file), not at Bind.
func TestBindWhenUnlessPath(t *testing.T) {
	fx := newFixture()
	src := `
[programs.app]
command = ["node"]
when = "exists:/app/data/.installed"

[programs.setup]
command = ["node"]
unless = "exists:/app/data/.installed"
`
	progs := fx.bindOK(t, src, Input{})
	app, setup := one(t, progs, "app"), one(t, progs, "setup")
	if app.Skip == nil || setup.Skip == nil {
		t.Fatal("path condition: Skip nil, want a check at start")
	}
	if skip, why := app.Skip(); !skip || why != "when exists:/app/data/.installed: does not exist" {
		t.Errorf("app before: %v %q", skip, why)
	}
	if skip, _ := setup.Skip(); skip {
		t.Error("setup before: skipped")
	}
	fx.im.file("/app/data/.installed", 0o644, 1000, 1000, "")
	if skip, _ := app.Skip(); skip {
		t.Error("app once the file exists: still skipped")
	}
	if skip, why := setup.Skip(); !skip || why != "unless exists:/app/data/.installed: exists" {
		t.Errorf("setup after: %v %q", skip, why)
	}
}

func TestBindReadyProbes(t *testing.T) {
	fx := newFixture()
	src := `
[programs.tcp]
command = ["node"]
ready = "tcp://127.0.0.1:3000"

[programs.http]
command = ["node"]
ready = "http://127.0.0.1:8080/health"

[programs.file]
command = ["node"]
ready = "file:/run/app/ready"

[programs.cmd]
command = ["node"]
ready = "redis-cli ping"
environment = { X = "1" }
`
	type call struct {
		argv, env []string
		as        Launch
	}
	var calls []call
	probe := func(argv, env []string, as Launch) supervise.Probe {
		calls = append(calls, call{argv, env, as})
		return supervise.FileProbe{Path: "/marker"}
	}
	plan, probs := fx.resolve(t, src, Input{Mode: Run})
	if probs != nil {
		t.Fatal(probs)
	}
	progs, probs := plan.Bind(environ.New(fx.env), probe)
	if probs != nil {
		t.Fatal(probs)
	}
	for name, want := range map[string]supervise.Probe{
		"tcp":  supervise.TCPProbe{Addr: "127.0.0.1:3000"},
		"http": supervise.HTTPProbe{URL: "http://127.0.0.1:8080/health"},
		"file": supervise.FileProbe{Path: "/run/app/ready"},
		"cmd":  supervise.FileProbe{Path: "/marker"}, // what the CommandProbe made
	} {
		if got := one(t, progs, name).Ready; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: Ready = %#v, want %#v", name, got, want)
		}
	}
	if len(calls) != 1 || !slices.Equal(calls[0].argv, []string{"/bin/sh", "-c", "redis-cli ping"}) {
		t.Fatalf("command probe calls: %v", calls)
	}
	if !slices.Contains(calls[0].env, "X=1") || !slices.Contains(calls[0].env, "USER=cloudron") {
		t.Errorf("command probe env %q, want the program's own", calls[0].env)
	}
	if as := calls[0].as; as.User.Name != "cloudron" || as.Path != "/usr/bin/node" {
		t.Errorf("command probe runs as %+v, want the program's launch (cloudron)", as)
	}

	// check and plan bind without a CommandProbe: a probe stands in, and
	// nothing runs.
	progs, _ = plan.Bind(environ.New(fx.env), nil)
	if one(t, progs, "cmd").Ready == nil {
		t.Error("nil CommandProbe: Ready nil, want a stand-in")
	}
}

// Ready and health commands are checked like the program's command.
func TestBindProbeCommandProblems(t *testing.T) {
	fx := newFixture()
	fx.im.file("/app/code/check.sh", 0o700, 0, 0, "#!/bin/sh\n")
	src := `
[programs.web]
command = ["node"]
ready = "pg_isready -q"
healthcheck = { command = ["/app/code/check.sh"] }
`
	_, probs := fx.bind(t, src, Input{})
	wantProblem(t, probs, at(t, src, "ready =", "programs.web.ready"), "pg_isready: not found in PATH")
	wantProblem(t, probs, at(t, src, "healthcheck =", "programs.web.healthcheck"), "/app/code/check.sh is not executable by cloudron")
	wantCount(t, probs, 2)
}

func TestBindHealthCheck(t *testing.T) {
	fx := newFixture()
	src := `
[programs.http]
command = ["node"]
healthcheck = { http = "http://127.0.0.1:3000/up", interval = "5s", timeout = "2s", retries = 4, start_period = "30s" }

[programs.tcp]
command = ["node"]
healthcheck = { tcp = "127.0.0.1:6379" }

[programs.cmd]
command = ["node"]
healthcheck = { command = ["redis-cli", "ping"] }
`
	var argv []string
	probe := func(a, env []string, _ Launch) supervise.Probe {
		argv = a
		return supervise.ProbeFunc(func(context.Context) error { return nil })
	}
	plan, probs := fx.resolve(t, src, Input{Mode: Run})
	if probs != nil {
		t.Fatal(probs)
	}
	progs, probs := plan.Bind(environ.New(fx.env), probe)
	if probs != nil {
		t.Fatal(probs)
	}
	h := one(t, progs, "http").Health
	want := &supervise.HealthCheck{Probe: supervise.HTTPProbe{URL: "http://127.0.0.1:3000/up"},
		Interval: 5 * time.Second, Timeout: 2 * time.Second, Retries: 4, StartPeriod: 30 * time.Second}
	if !reflect.DeepEqual(h, want) {
		t.Errorf("http health = %+v, want %+v", h, want)
	}
	h = one(t, progs, "tcp").Health
	if h == nil || h.Probe != (supervise.TCPProbe{Addr: "127.0.0.1:6379"}) || h.Interval != 10*time.Second ||
		h.Timeout != 3*time.Second || h.Retries != 3 || h.StartPeriod != 0 {
		t.Errorf("tcp health (defaults) = %+v", h)
	}
	if h := one(t, progs, "cmd").Health; h == nil || h.Probe == nil || !slices.Equal(argv, []string{"redis-cli", "ping"}) {
		t.Errorf("cmd health = %+v, argv %q", h, argv)
	}
}

// The forms issue 13 found passing check and failing at run are refused by
// the one probe parser, so they never reach Bind.
func TestParseRefusesProbeForms(t *testing.T) {
	for _, ready := range []string{"https://127.0.0.1:8443/", "127.0.0.1:8080", "tcp:8080", ":8080", "ftp://x/"} {
		_, err := parseErr("[programs.web]\ncommand = [\"node\"]\nready = \"" + ready + "\"\n")
		if err == nil || !strings.Contains(err.Error(), "appstart.toml:3: programs.web.ready: ") {
			t.Errorf("ready = %q: %v, want a problem on line 3", ready, err)
		}
	}
	_, err := parseErr("[programs.web]\ncommand = [\"node\"]\nhealthcheck = { http = \"https://127.0.0.1/\" }\n")
	if err == nil || !strings.Contains(err.Error(), "https is not supported") {
		t.Errorf("healthcheck https: %v", err)
	}
}

// A probe's argv is expanded from the program's environment like its
// command (and like the stages' commands): a literal "${PORT}" would reach
// curl at run time.
func TestBindProbeArgvExpanded(t *testing.T) {
	fx := newFixture()
	fx.im.file("/usr/bin/curl", 0o755, 0, 0, "\x7fELF")
	src := `
[programs.web]
command = ["node"]
environment = { PORT = "3000" }
healthcheck = { command = ["curl", "-f", "http://127.0.0.1:${PORT}/up"] }
`
	var argv []string
	probe := func(a, env []string, _ Launch) supervise.Probe {
		argv = a
		return supervise.FileProbe{}
	}
	plan, probs := fx.resolve(t, src, Input{Mode: Run})
	if probs != nil {
		t.Fatal(probs)
	}
	if _, probs := plan.Bind(environ.New(fx.env), probe); probs != nil {
		t.Fatal(probs)
	}
	if want := []string{"curl", "-f", "http://127.0.0.1:3000/up"}; !slices.Equal(argv, want) {
		t.Errorf("health argv = %q, want %q", argv, want)
	}

	src = strings.Replace(src, "${PORT}", "${NOPE}", 1)
	plan, _ = fx.resolve(t, src, Input{Mode: Run})
	_, probs = plan.Bind(environ.New(fx.env), probe)
	wantProblem(t, probs, at(t, src, "healthcheck =", "programs.web.healthcheck"), "${NOPE} is not set")
}

// A relative command path is the program's directory's, as exec after
// chdir (and proc's lookPath) resolve it, not appstart's own.
func TestBindRelativeCommandFromDirectory(t *testing.T) {
	fx := newFixture()
	fx.im.file("/app/code/bin/server", 0o755, 0, 0, "\x7fELF")
	src := `
[programs.web]
command = ["./bin/server", "--port=3000"]
directory = "/app/code"
`
	p := one(t, fx.bindOK(t, src, Input{}), "web")
	if p.Launch.Path != "/app/code/bin/server" || p.Launch.Argv[0] != "./bin/server" {
		t.Errorf("Path %q argv[0] %q, want /app/code/bin/server and argv as written", p.Launch.Path, p.Launch.Argv[0])
	}
	fx.im.file("/app/code/bin/server", 0o700, 0, 0, "\x7fELF")
	_, probs := fx.bind(t, src, Input{})
	wantProblem(t, probs, at(t, src, "command =", "programs.web.command"), "/app/code/bin/server is not executable by cloudron")
}
