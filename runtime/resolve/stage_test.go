package resolve

import (
	"slices"
	"strings"
	"testing"
)

// The stage fields: users and owners, the commands the stages and tasks
// run, and templates, as Resolve judges them before any stage runs.

func TestResolveOwners(t *testing.T) {
	fx := newFixture()
	src := `
[[dirs]]
path = "/run/app"
owner = "ghost1"

[[seed]]
from = "/app/code/config/"
to = "/app/data/config/"
owner = "ghost2"

[[secrets]]
name = "APP_SECRET"
file = "/app/data/.secret"
owner = "ghost3"

[[templates]]
source = "/app/pkg/app.conf.template"
target = "/run/app/app.conf"
owner = "ghost4"

[[patch]]
file = "/app/data/config.ini"
set = { "mail.host" = "smtp" }
owner = "ghost5"

[[chown]]
path = "/app/data"
owner = "cloudron:nosuchgroup"

[programs.web]
command = ["node"]
`
	fx.im.dir("/app/code/config", 0o755, 0, 0)
	fx.im.file("/app/pkg/app.conf.template", 0o644, 0, 0, "x\n")
	_, probs := fx.resolve(t, src, Input{})
	for i, key := range []string{"dirs[1].owner", "seed[1].owner", "secrets[1].owner", "templates[1].owner", "patch[1].owner"} {
		who := "ghost" + string(rune('1'+i))
		wantProblem(t, probs, at(t, src, `owner = "`+who+`"`, key), `cannot look up user "`+who+`"`)
	}
	wantProblem(t, probs, at(t, src, `owner = "cloudron:nosuchgroup"`, "chown[1].owner"), `cannot look up user "cloudron:nosuchgroup"`)
	wantCount(t, probs, 6)
}

// Owners left unset are the top-level user: one unknown user there is a
// problem at "user", and at each entry it reaches.
func TestResolveTopLevelUser(t *testing.T) {
	fx := newFixture()
	src := `
user = "app"

[[dirs]]
path = "/run/app"

[programs.web]
command = ["node"]
`
	_, probs := fx.resolve(t, src, Input{})
	wantProblem(t, probs, at(t, src, `user = "app"`, "user"), `cannot look up user "app"`)
	wantProblem(t, probs, at(t, src, "[[dirs]]", "dirs[1].owner"), `cannot look up user "app"`)
	wantProblem(t, probs, at(t, src, "[programs.web]", "programs.web.user"), `cannot look up user "app"`)

	fx = newFixture()
	if _, probs := fx.resolve(t, strings.Replace(src, `"app"`, `"www-data:cloudron"`, 1), Input{}); probs != nil {
		t.Errorf("www-data:cloudron: %v", probs)
	}
}

func TestResolveStageCommands(t *testing.T) {
	fx := newFixture()
	fx.im.file("/app/pkg/private.sh", 0o700, 0, 0, "#!/bin/sh\n")
	fx.im.file("/app/pkg/rb.sh", 0o755, 0, 0, "#!/usr/bin/ruby\n")
	fx.im.file("/app/pkg/ok.sh", 0o755, 0, 0, "#!/usr/bin/env bash\n")
	fx.im.dir("/app/code/bin", 0o755, 0, 0)
	src := `
[[seed]]
from = "/app/code/bin/"
to = "/app/data/bin/"

[[secrets]]
name = "KEY"
file = "/app/data/.key"
command = ["ssh-keygen", "-f", "${APPSTART_SECRET_FILE}"]

[first_run]
commands = [
  ["/app/pkg/ok.sh"],
  ["/app/pkg/missing.sh"],
  ["/app/pkg/private.sh"],
  { command = ["/app/pkg/private.sh"], user = "root" },
  ["/app/pkg/rb.sh"],
  ["/app/data/bin/install"],
  { command = "cd /app/data && php artisan migrate" },
]

[on_upgrade]
commands = [["php", "artisan", "migrate"]]

[[on_start]]
command = ["composer", "install"]

[[on_start]]
command = "echo started"

[programs.web]
command = ["node"]

[tasks.cron]
command = ["crontab-run"]
`
	_, probs := fx.resolve(t, src, Input{})
	wantProblem(t, probs, at(t, src, `command = ["ssh-keygen"`, "secrets[1].command"), "ssh-keygen: not found in PATH")
	wantProblem(t, probs, at(t, src, `["/app/pkg/missing.sh"]`, "first_run.commands[2].command"), "/app/pkg/missing.sh does not exist in the image")
	wantProblem(t, probs, at(t, src, `  ["/app/pkg/private.sh"]`, "first_run.commands[3].command"), "/app/pkg/private.sh is not executable by cloudron (uid 1000)")
	wantProblem(t, probs, at(t, src, `["/app/pkg/rb.sh"]`, "first_run.commands[5].command"), "#!/usr/bin/ruby, which does not exist in the image")
	wantProblem(t, probs, at(t, src, `[["php"`, "on_upgrade.commands[1].command"), "php: not found in PATH")
	wantProblem(t, probs, at(t, src, `["composer"`, "on_start[1].command"), "composer: not found in PATH")
	wantProblem(t, probs, at(t, src, `["crontab-run"]`, "tasks.cron.command"), "crontab-run: not found in PATH")
	// ok.sh (#!/usr/bin/env), private.sh as root, the seeded install, a
	// line starting with a builtin and echo: accepted.
	wantCount(t, probs, 7)
}

func TestResolveStageCommandUser(t *testing.T) {
	fx := newFixture()
	src := `
[first_run]
commands = [{ command = ["node", "init.js"], user = "ghost" }]

[[on_start]]
command = ["node"]
user = "phantom"

[programs.web]
command = ["node"]
`
	_, probs := fx.resolve(t, src, Input{})
	wantProblem(t, probs, at(t, src, `user = "ghost"`, "first_run.commands[1].user"), `cannot look up user "ghost"`)
	wantProblem(t, probs, at(t, src, `user = "phantom"`, "on_start[1].user"), `cannot look up user "phantom"`)
	wantCount(t, probs, 2) // the commands of an unknown user are not judged again
}

// The section's user is the steps' default, and commands are judged as
// that user.
func TestResolveStageCommandSectionUser(t *testing.T) {
	fx := newFixture()
	fx.im.file("/app/pkg/setup.sh", 0o700, 33, 33, "\x7fELF")
	src := `
[first_run]
user = "www-data"
commands = [["/app/pkg/setup.sh"]]

[on_upgrade]
commands = [["/app/pkg/setup.sh"]] # as cloudron

[programs.web]
command = ["node"]
`
	_, probs := fx.resolve(t, src, Input{})
	wantProblem(t, probs, at(t, src, `# as cloudron`, "on_upgrade.commands[1].command"), "not executable by cloudron")
	wantCount(t, probs, 1)
}

func TestResolveShellWithoutSh(t *testing.T) {
	fx := newFixture()
	delete(fx.im, "/bin/sh")
	src := `
[[on_start]]
command = "echo hi"

[programs.web]
command = ["node"]
`
	_, probs := fx.resolve(t, src, Input{})
	wantProblem(t, probs, at(t, src, `command = "echo hi"`, "on_start[1].command"), "/bin/sh: /bin/sh does not exist in the image")
}

func TestResolveTemplates(t *testing.T) {
	fx := newFixture()
	fx.im.file("/app/pkg/bad.template", 0o644, 0, 0, "a = ##{DB_HOST\n")
	fx.im.file("/app/pkg/ok.template", 0o644, 0, 0, "host = ##APP_HOST\nsecret = ##APP_SECRET\nworkers = ##WORKERS\nmem = ##APPSTART_MEMORY_LIMIT_MB\nsmtp = ##SMTP_HOST\n##IF LDAP_URL\nldap = ##LDAP_BIND\n##END\nname = ##USER\n")
	src := `
[env]
APP_HOST = "example.com"

[[secrets]]
name = "APP_SECRET"
file = "/app/data/.secret"

[workers]
per_worker = "100M"

[[templates]]
source = "/app/pkg/missing.template"
target = "/run/app/a.conf"

[[templates]]
source = "/app/pkg/bad.template"
target = "/run/app/b.conf"

[[templates]]
source = "/app/pkg/ok.template"
target = "/run/app/c.conf"
optional = ["SMTP_HOST"]

[programs.web]
command = ["node"]
`
	_, probs := fx.resolve(t, src, Input{Mode: Run})
	wantProblem(t, probs, at(t, src, `source = "/app/pkg/missing.template"`, "templates[1].source"),
		"cannot read /app/pkg/missing.template: file does not exist")
	wantProblem(t, probs, at(t, src, `source = "/app/pkg/bad.template"`, "templates[2].source"), "bad.template")
	wantCount(t, probs, 2) // the secret, the workers, the memory limit, an optional one, one inside ##IF unset, the user's
}

func TestResolveTemplatePlaceholderMissing(t *testing.T) {
	fx := newFixture()
	fx.im.file("/app/pkg/c.template", 0o644, 0, 0, "# config\nkey = ##APP_KEY\nkey2 = ##APP_KEY\n")
	src := `
[[templates]]
source = "/app/pkg/c.template"
target = "/run/app/c.conf"

[programs.web]
command = ["node"]
`
	_, probs := fx.resolve(t, src, Input{})
	m := missing(probs, "APP_KEY")
	if m == nil || m.Addon != "" || !slices.Equal(m.NeededBy, []string{"/app/pkg/c.template:2", "/app/pkg/c.template:3"}) {
		t.Fatalf("APP_KEY missing = %+v; problems %v", m, probs)
	}
	if msg := probs.Error(); !strings.Contains(msg, "cannot start: 1 variable(s) the spec needs are not set") ||
		!strings.Contains(msg, "needed by /app/pkg/c.template:2, /app/pkg/c.template:3") {
		t.Errorf("Error() =\n%s", msg)
	}
	// [env_defaults] fills it; so does a key of an env_file present now.
	if _, probs := fx.resolve(t, src+"\n[env_defaults]\nAPP_KEY = \"k\"\n", Input{}); probs != nil {
		t.Errorf("with a default: %v", probs)
	}
	fx.im.file("/app/data/env", 0o644, 1000, 1000, "APP_KEY=abc\n")
	if _, probs := fx.resolve(t, "env_file = [\"/app/data/env\"]\n"+src, Input{}); probs != nil {
		t.Errorf("with an env_file: %v", probs)
	}
}

// A template under when/unless on a variable that skips it needs nothing.
func TestResolveTemplateSkipped(t *testing.T) {
	fx := newFixture()
	fx.im.file("/app/pkg/ldap.template", 0o644, 0, 0, "bind = ##LDAP_BIND\n")
	src := `
[[templates]]
source = "/app/pkg/ldap.template"
target = "/run/app/ldap.conf"
when = "LDAP_ENABLED"

[programs.web]
command = ["node"]
`
	if _, probs := fx.resolve(t, src, Input{}); probs != nil {
		t.Errorf("skipped template: %v", probs)
	}
	fx.env = append(fx.env, "LDAP_ENABLED=1")
	if _, probs := fx.resolve(t, src, Input{}); missing(probs, "LDAP_BIND") == nil {
		t.Errorf("rendered template: LDAP_BIND not missing: %v", probs)
	}
}

// An addon's variable counts as set at check time (the platform sets it at
// run time) and is missing at run time, with the addon named.
func TestResolveAddonPlaceholder(t *testing.T) {
	fx := newFixture()
	fx.im.file("/app/pkg/db.template", 0o644, 0, 0, "host = ##CLOUDRON_MYSQL_HOST\n")
	src := `
[env]
DB_URL = "mysql://${CLOUDRON_MYSQL_USERNAME}@${CLOUDRON_MYSQL_HOST}/"

[[templates]]
source = "/app/pkg/db.template"
target = "/run/app/db.conf"

[programs.web]
command = ["node", "--db=${CLOUDRON_MYSQL_DATABASE}"]
`
	plan, probs := fx.resolve(t, src, Input{Mode: Check})
	if probs != nil {
		t.Fatalf("Check: %v", probs)
	}
	env := plan.CheckEnv()
	if v, _ := env.Lookup("DB_URL"); v != "mysql://placeholder@placeholder/" {
		t.Errorf("CheckEnv DB_URL = %q", v)
	}
	if _, probs := plan.Bind(env, nil); probs != nil {
		t.Errorf("Check Bind: %v", probs)
	}

	_, probs = fx.resolve(t, src, Input{Mode: Run})
	for name, by := range map[string]string{
		"CLOUDRON_MYSQL_HOST":     "env.DB_URL",
		"CLOUDRON_MYSQL_USERNAME": "env.DB_URL",
		"CLOUDRON_MYSQL_DATABASE": "programs.web.command",
	} {
		if m := missing(probs, name); m == nil || m.Addon != "mysql" || !slices.Contains(m.NeededBy, by) {
			t.Errorf("Run: %s missing = %+v, want mysql addon needed by %s", name, m, by)
		}
	}
	if m := missing(probs, "CLOUDRON_MYSQL_HOST"); m == nil || !slices.Contains(m.NeededBy, "/app/pkg/db.template:1") {
		t.Errorf("Run: template line not among %+v", m)
	}
	wantCount(t, probs, 3)
}

// [env] using what a stage produces (a secret, the worker count, the
// memory limit) is not missing: issue 13's "run says to set them with -e".
func TestResolveEnvUsingProduced(t *testing.T) {
	fx := newFixture()
	src := `
[env]
SESSION = "s:${APP_SECRET}"
POOL = "${WORKERS}"
HEAP = "-Xmx${APPSTART_MEMORY_LIMIT_MB}m"
BOTH = "${SESSION}/${POOL}"

[[secrets]]
name = "APP_SECRET"
file = "/app/data/.secret"
bytes = 16

[workers]
per_worker = "100M"

[programs.web]
command = ["node", "${HEAP}", "--secret=${APP_SECRET}"]
`
	for _, mode := range []Mode{Run, Check} {
		plan, probs := fx.resolve(t, src, Input{Mode: mode})
		if probs != nil {
			t.Fatalf("mode %d: %v", mode, probs)
		}
		env := plan.CheckEnv()
		secret := strings.Repeat("s", 32) // 16 bytes of hex
		for name, want := range map[string]string{"SESSION": "s:" + secret, "POOL": "1", "HEAP": "-Xmx256m", "BOTH": "s:" + secret + "/1"} {
			if v, _ := env.Lookup(name); v != want {
				t.Errorf("CheckEnv %s = %q, want %q", name, v, want)
			}
		}
	}
	// Without [workers], WORKERS is nobody's: missing.
	noWorkers := strings.Replace(src, "[workers]\nper_worker = \"100M\"\n", "", 1)
	_, probs := fx.resolve(t, noWorkers, Input{Mode: Run})
	if m := missing(probs, "WORKERS"); m == nil || !slices.Equal(m.NeededBy, []string{"env.POOL"}) {
		t.Errorf("no [workers]: WORKERS missing = %+v (%v)", m, probs)
	}
}

// The placeholder a secret stands for has the secret's encoded length, so
// sizes are judged as at run time (base64url is unpadded: at least).
func TestCheckEnvSecretLength(t *testing.T) {
	fx := newFixture()
	for enc, n := range map[string]int{"hex": 8192, "base64": 5464, "base64url": 5462, "alnum": 4096} {
		src := "[[secrets]]\nname = \"S\"\nfile = \"/app/data/.s\"\nbytes = 4096\nencoding = \"" + enc + "\"\n\n[programs.web]\ncommand = [\"node\"]\n"
		plan, _ := fx.resolve(t, src, Input{Mode: Check})
		env := plan.CheckEnv()
		if v, _ := env.Lookup("S"); len(v) < n || len(v) > n+2 {
			t.Errorf("%s: placeholder of %d bytes, want %d", enc, len(v), n)
		}
	}
}

// A program that when/unless skips on a variable needs nothing: an
// optional addon's program must not stop the start when the addon is off.
func TestResolveSkippedProgramNeedsNothing(t *testing.T) {
	fx := newFixture()
	src := `
[programs.web]
command = ["node"]

[programs.ldapsync]
command = ["node", "sync.js", "--url=${CLOUDRON_LDAP_URL}"]
when = "CLOUDRON_LDAP_SERVER"
`
	if _, probs := fx.resolve(t, src, Input{Mode: Run}); probs != nil {
		t.Errorf("LDAP off: %v", probs)
	}
	fx.env = append(fx.env, "CLOUDRON_LDAP_SERVER=ldap")
	_, probs := fx.resolve(t, src, Input{Mode: Run})
	if m := missing(probs, "CLOUDRON_LDAP_URL"); m == nil || m.Addon != "ldap" {
		t.Errorf("LDAP on, URL unset: %v", probs)
	}
}

// A program's environment is listed with the rest of what the spec needs,
// before any stage runs, not found only when the programs are bound.
func TestResolveProgramEnvironmentMissing(t *testing.T) {
	fx := newFixture()
	src := `
[programs.web]
command = ["node"]
environment = { PORT = "3000", URL = "http://${APP_HOST}:${PORT}/", HOME_DIR = "${HOME}" }
`
	_, probs := fx.resolve(t, src, Input{Mode: Run})
	if m := missing(probs, "APP_HOST"); m == nil || !slices.Equal(m.NeededBy, []string{"programs.web.environment.URL"}) {
		t.Errorf("APP_HOST: %+v (%v)", m, probs)
	}
	wantCount(t, probs, 1) // PORT is its own, HOME the user's
}

// A template whose source a seed copies is not in the image: not read.
func TestResolveTemplateSourceMadeBySeed(t *testing.T) {
	fx := newFixture()
	fx.im.dir("/app/code/defaults", 0o755, 0, 0)
	src := `
[[seed]]
from = "/app/code/defaults/"
to = "/app/data/tpl/"

[[templates]]
source = "/app/data/tpl/app.conf.template"
target = "/run/app/app.conf"

[programs.web]
command = ["node"]
`
	if _, probs := fx.resolve(t, src, Input{}); probs != nil {
		t.Errorf("seeded template source: %v", probs)
	}
}

func TestProblemsMerge(t *testing.T) {
	if Merge(nil, nil) != nil || Merge(&Problems{}, nil) != nil || Merge(nil, &Problems{}) != nil {
		t.Error("Merge of nothing: want nil")
	}
	a := &Problems{Missing: []Missing{{Name: "A"}}}
	b := &Problems{Missing: []Missing{{Name: "B"}}}
	if m := Merge(a, b); m.Count() != 2 || Merge(nil, b).Count() != 1 || Merge(a, nil).Count() != 2 {
		t.Errorf("Merge: %v", m)
	}
	var none *Problems
	if none.Count() != 0 {
		t.Error("nil Count")
	}
}

// An ##INCLUDE of a file of the image is judged now; one under /app/data
// (the user's file) and an ##INCLUDE? are judged when the template renders.
func TestResolveTemplateIncludes(t *testing.T) {
	fx := newFixture()
	fx.im.file("/app/pkg/common.env", 0o644, 0, 0, "A=1\n")
	fx.im.file("/app/pkg/env.template", 0o644, 0, 0,
		"##INCLUDE /app/pkg/common.env\n##INCLUDE /app/pkg/gone.env\n##INCLUDE? /app/pkg/maybe.env\n##INCLUDE /app/data/.env\n")
	src := `
[[templates]]
source = "/app/pkg/env.template"
target = "/run/app/.env"

[programs.web]
command = ["node"]
`
	_, probs := fx.resolve(t, src, Input{})
	wantProblem(t, probs, at(t, src, `source = "/app/pkg/env.template"`, "templates[1].source"),
		"/app/pkg/env.template:2: ##INCLUDE /app/pkg/gone.env: cannot read it: file does not exist (write ##INCLUDE? if it may be missing)")
	wantCount(t, probs, 1)
}

// Stage commands are looked up in the container's PATH; of two PATH
// entries the first counts, as os.Getenv and the programs' environment
// have it.
func TestResolveStageCommandContainerPath(t *testing.T) {
	t.Parallel()
	src := "[[on_start]]\ncommand = [\"migrate\"]\n\n[programs.web]\ncommand = [\"node\"]\n"
	for _, tc := range []struct {
		name string
		env  []string
		ok   bool
	}{
		{"in the first PATH", []string{"PATH=/opt/tool/bin", "PATH=/usr/bin"}, true},
		{"only in a later PATH", []string{"PATH=/usr/bin", "PATH=/opt/tool/bin"}, false},
		{"no PATH at all", []string{"HOME=/root"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fx := newFixture()
			fx.env = tc.env
			fx.im.file("/opt/tool/bin/migrate", 0o755, 0, 0, "\x7fELF")
			_, probs := fx.resolve(t, src, Input{})
			if tc.ok {
				if probs != nil {
					t.Fatalf("want migrate found in %v, got:\n%v", tc.env, probs)
				}
				return
			}
			wantProblem(t, probs, at(t, src, `command = ["migrate"]`, "on_start[1].command"), "migrate: not found in PATH")
		})
	}
}
