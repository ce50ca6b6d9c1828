package resolve

import (
	"slices"
	"strings"
	"testing"

	"appstart/runtime/environ"
)

// The command line's --only and --until, and the kernel's limits on what
// exec takes.

const twoPrograms = `
[programs.db]
command = ["node", "db.js"]

[programs.worker]
command = ["node", "worker.js"]
after = ["db"]
instances = 3
autostart = false
log_prefix = "w"
`

func TestResolveOnlyUnknown(t *testing.T) {
	fx := newFixture()
	_, probs := fx.resolve(t, twoPrograms, Input{Only: "wroker"})
	wantProblem(t, probs, specFile+": --only wroker: ", `no such program, did you mean "worker"? (programs: db, worker)`)
	wantCount(t, probs, 1)

	_, probs = fx.resolve(t, twoPrograms, Input{Only: "zzzzzz"})
	wantProblem(t, probs, specFile+": --only zzzzzz: ", `no such program (programs: db, worker)`)

	_, probs = fx.resolve(t, "[[dirs]]\npath = \"/run/app\"\n", Input{Only: "web"})
	wantProblem(t, probs, specFile+": --only web: ", "the spec has no [programs.NAME] tables")
}

func TestResolveUntil(t *testing.T) {
	fx := newFixture()
	_, probs := fx.resolve(t, twoPrograms, Input{Until: "firstrun"})
	wantProblem(t, probs, specFile+": --until: ", `no stage "firstrun"`, "env, dirs, seed, secrets, workers, templates, chown, first_run, on_upgrade, on_start, programs")
	for _, st := range []string{"env", "first_run", "programs"} {
		if _, probs := fx.resolve(t, twoPrograms, Input{Until: st}); probs != nil {
			t.Errorf("--until %s: %v", st, probs)
		}
	}
}

// --only NAME runs that program (every instance) alone in the foreground:
// no dependencies, started, its output unlabelled.
func TestBindOnlyGroup(t *testing.T) {
	fx := newFixture()
	progs := fx.bindOK(t, twoPrograms, Input{Only: "worker"})
	if !slices.Equal(names(progs), []string{"worker:1", "worker:2", "worker:3"}) {
		t.Fatalf("--only worker: %v", names(progs))
	}
	for _, p := range progs {
		if p.After != nil || !p.AutoStart || p.Launch.LogLabel != "" {
			t.Errorf("%s: after %v autostart %v label %q", p.Name, p.After, p.AutoStart, p.Launch.LogLabel)
		}
	}
	if got := names(fx.bindOK(t, twoPrograms, Input{Only: "db"})); !slices.Equal(got, []string{"db"}) {
		t.Errorf("--only db: %v", got)
	}
}

func TestBindOnlyInstance(t *testing.T) {
	fx := newFixture()
	progs := fx.bindOK(t, twoPrograms, Input{Only: "worker:2"})
	if len(progs) != 1 || progs[0].Name != "worker:2" || progs[0].Instance != 2 || progs[0].After != nil || !progs[0].AutoStart {
		t.Fatalf("--only worker:2: %+v", progs)
	}
	if v, _ := envOf(progs[0], "APPSTART_INSTANCE"); v != "2" {
		t.Errorf("APPSTART_INSTANCE = %q", v)
	}
}

// An instance that does not exist is said before any stage runs, as a
// program that does not exist is.
func TestResolveOnlyBadInstance(t *testing.T) {
	fx := newFixture()
	for only, msg := range map[string]string{
		"worker:abc": `"abc" is not an instance number`,
		"worker:0":   `"0" is not an instance number`,
		"worker:4":   "programs.worker has 3 instances",
		"db:1":       "programs.db runs one instance, named db",
	} {
		_, probs := fx.resolve(t, twoPrograms, Input{Only: only})
		wantProblem(t, probs, specFile+": --only "+only+": ", msg)
	}
}

// A count from a variable is known once the stages ran: Bind says it.
func TestBindOnlyInstanceFromVariable(t *testing.T) {
	fx := newFixture()
	src := "[workers]\nper_worker = \"100M\"\n\n[programs.worker]\ncommand = [\"node\"]\ninstances = \"${WORKERS}\"\n"
	plan, probs := fx.resolve(t, src, Input{Only: "worker:5"})
	if probs != nil {
		t.Fatalf("Resolve: %v", probs)
	}
	progs, probs := plan.Bind(environ.New(append(fx.env, "WORKERS=2")), nil)
	wantProblem(t, probs, specFile+": --only worker:5: ", "no such program instance")
	if len(progs) != 0 {
		t.Errorf("bound %v", names(progs))
	}
	progs, probs = plan.Bind(environ.New(append(fx.env, "WORKERS=5")), nil)
	if probs != nil || !slices.Equal(names(progs), []string{"worker:5"}) {
		t.Errorf("WORKERS=5: %v %v", names(progs), probs)
	}
}

// One variable past the kernel's 128 KiB string limit makes every exec
// fail with E2BIG: said at bind, on the program's table.
func TestBindVariableTooLarge(t *testing.T) {
	fx := newFixture()
	src := `
[programs.web]
command = ["node"]
`
	big := "BIG=" + strings.Repeat("x", 200<<10)
	_, probs := fx.bind(t, src, Input{}, big)
	wantProblem(t, probs, at(t, src, "[programs.web]", "programs.web"),
		"BIG is 204804 bytes, past the kernel's 131071-byte limit on one argument or variable (exec would fail with E2BIG)")

	// Just under the limit is fine.
	fx.bindOK(t, src, Input{}, "BIG="+strings.Repeat("x", 128<<10-5))
}

func TestBindArgumentTooLarge(t *testing.T) {
	fx := newFixture()
	src := `
[env_defaults]
ARG = "x"

[programs.web]
command = ["node", "${ARG}"]
`
	_, probs := fx.bind(t, src, Input{}, "ARG="+strings.Repeat("a", 130<<10))
	wantProblem(t, probs, at(t, src, "[programs.web]", "programs.web"), "is 133120 bytes", "E2BIG")
}

// Many variables each under the limit can still pass the total.
func TestBindEnvironmentTooLarge(t *testing.T) {
	fx := newFixture()
	src := "[programs.web]\ncommand = [\"node\"]\n"
	var extra []string
	for i := 0; i < 20; i++ {
		extra = append(extra, "V"+string(rune('A'+i))+"="+strings.Repeat("v", 120<<10))
	}
	_, probs := fx.bind(t, src, Input{}, extra...)
	wantProblem(t, probs, specFile+":1: programs.web: ", "the command and environment take", "past the kernel's 2097152 (exec would fail with E2BIG)")
}

// check binds with the placeholders: a spec whose variables would pass
// the limit at run time is refused by check too.
func TestCheckSizesWithPlaceholders(t *testing.T) {
	fx := newFixture()
	fx.env = append(fx.env, "HUGE="+strings.Repeat("h", 200<<10))
	src := "[programs.web]\ncommand = [\"node\"]\n"
	plan, probs := fx.resolve(t, src, Input{Mode: Check})
	if probs != nil {
		t.Fatal(probs)
	}
	env := plan.CheckEnv()
	_, probs = plan.Bind(env, nil)
	wantProblem(t, probs, specFile+":1: programs.web: ", "HUGE is", "E2BIG")
}

func TestBindTask(t *testing.T) {
	fx := newFixture()
	src := `
[programs.web]
command = ["node"]

[tasks.migrate]
command = ["node", "migrate.js", "--to=${TARGET}"]
user = "www-data"
directory = "/app/code"
environment = { TARGET = "latest" }
`
	plan, probs := fx.resolve(t, src, Input{Mode: Run})
	if probs != nil {
		t.Fatal(probs)
	}
	l, err := plan.BindTask(plan.Spec.Task("migrate"), environ.New(fx.env))
	if err != nil {
		t.Fatal(err)
	}
	if l.Path != "/usr/bin/node" || !slices.Equal(l.Argv, []string{"node", "migrate.js", "--to=latest"}) ||
		l.Dir != "/app/code" || l.User.Uid != 33 || !slices.Contains(l.Env, "HOME=/var/www") || !slices.Contains(l.Env, "TARGET=latest") {
		t.Errorf("task launch = %+v", l)
	}
}

func TestBindTaskProblems(t *testing.T) {
	fx := newFixture()
	fx.im.file("/app/code/job.sh", 0o700, 0, 0, "#!/bin/sh\n")
	src := `
[programs.web]
command = ["node"]

[tasks.job]
command = ["${JOB}"]
environment = { JOB = "/app/code/job.sh" }

[tasks.env]
command = ["node"]
environment = { X = "${NOPE}" }
`
	plan, _ := fx.resolve(t, src, Input{Mode: Run})
	if _, err := plan.BindTask(plan.Spec.Task("job"), environ.New(fx.env)); err == nil ||
		err.Error() != "tasks.job.command: /app/code/job.sh is not executable by cloudron (uid 1000): mode -rwx------, owner uid 0 gid 0" {
		t.Errorf("job: %v", err)
	}
	if _, err := plan.BindTask(plan.Spec.Task("env"), environ.New(fx.env)); err == nil || !strings.Contains(err.Error(), "${NOPE} is not set") {
		t.Errorf("env: %v", err)
	}
}

// A shell command without /bin/sh in the image: one problem, not one per
// check that needs the shell.
func TestBindShellWithoutSh(t *testing.T) {
	fx := newFixture()
	delete(fx.im, "/bin/sh")
	src := "[programs.web]\ncommand = \"exec node\"\nready = \"redis-cli ping\"\n"
	_, probs := fx.bind(t, src, Input{})
	wantProblem(t, probs, specFile+":2: programs.web.command: ", "/bin/sh does not exist in the image")
	wantProblem(t, probs, specFile+":3: programs.web.ready: ", "/bin/sh does not exist in the image")
	wantCount(t, probs, 2)
}

// The issue 13 cases the spec itself refuses, before resolution.
func TestParseRefusesHugeSecret(t *testing.T) {
	_, err := parseErr("[[secrets]]\nname = \"S\"\nfile = \"/app/data/.s\"\nbytes = 200000000\n")
	if err == nil || !strings.Contains(err.Error(), "appstart.toml:4: secrets[1].bytes") {
		t.Errorf("bytes = 200000000: %v", err)
	}
}
