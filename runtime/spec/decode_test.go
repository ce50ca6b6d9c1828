package spec

import (
	"errors"
	"io/fs"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"
)

func mustParse(t *testing.T, src string) *Spec {
	t.Helper()
	s, err := Parse("appstart.toml", []byte(src))
	if err != nil {
		t.Fatalf("Parse:\n%v", err)
	}
	return s
}

func parseErr(t *testing.T, src string) *Error {
	t.Helper()
	_, err := Parse("appstart.toml", []byte(src))
	var se *Error
	if !errors.As(err, &se) {
		t.Fatalf("Parse = %v, want an *Error", err)
	}
	return se
}

// TestDefaults: a spec that writes only the required keys gets every
// default of the key table, and owners and users follow the top-level user.
func TestDefaults(t *testing.T) {
	s := mustParse(t, `
user = "app:staff"
[[dirs]]
path = "/run/a"
[[seed]]
from = "/app/code/x"
to = "/app/data/x"
[[secrets]]
name = "S"
file = "/app/data/s"
[workers]
per_worker = "100M"
[[templates]]
source = "/app/pkg/t"
target = "/run/t"
[[patch]]
file = "/app/data/c.yml"
set = { a = "b" }
[[chown]]
path = "/app/data"
[first_run]
commands = [["i"]]
[on_upgrade]
commands = [["m"]]
[[on_start]]
command = ["o"]
[programs.web]
command = ["w"]
healthcheck = { tcp = "127.0.0.1:1" }
[tasks.t]
command = ["t"]
`)
	p := s.Programs[0]
	for name, c := range map[string]struct{ got, want any }{
		"dirs.owner":          {s.Dirs[0].Owner, "app:staff"},
		"dirs.mode":           {s.Dirs[0].Mode, fs.FileMode(0o755)},
		"seed.owner":          {s.Seed[0].Owner, "app:staff"},
		"seed.mode (keep)":    {s.Seed[0].Mode, fs.FileMode(0)},
		"secrets.bytes":       {s.Secrets[0].Bytes, 32},
		"secrets.encoding":    {s.Secrets[0].Encoding, EncodingHex},
		"secrets.mode":        {s.Secrets[0].Mode, fs.FileMode(0o600)},
		"secrets.owner":       {s.Secrets[0].Owner, "app:staff"},
		"workers.name":        {s.Workers.Name, "WORKERS"},
		"workers.min":         {s.Workers.Min, 1},
		"workers.max (none)":  {s.Workers.Max, 0},
		"workers.unlimited":   {s.Workers.Unlimited, int64(2 << 30)},
		"templates.mode":      {s.Templates[0].Mode, fs.FileMode(0o640)},
		"templates.escape":    {s.Templates[0].Escape, EscapeNone},
		"templates.owner":     {s.Templates[0].Owner, "app:staff"},
		"patch.format (.yml)": {s.Patch[0].Format, FormatYAML},
		"patch.owner (keep)":  {s.Patch[0].Owner, ""},
		"patch.mode (keep)":   {s.Patch[0].Mode, fs.FileMode(0)},
		"chown.owner":         {s.Chown[0].Owner, "app:staff"},
		"first_run.marker":    {s.FirstRun.Marker, "/app/data/.initialized"},
		"first_run.user":      {s.FirstRun.User, "app:staff"},
		"first_run step user": {s.FirstRun.Commands[0].User, "app:staff"},
		"on_upgrade.marker":   {s.OnUpgrade.Marker, "/app/data/.appstart-version"},
		"on_upgrade.version":  {s.OnUpgrade.Version, ""},
		"on_start.user":       {s.OnStart[0].User, "app:staff"},
		"program.user":        {p.User, "app:staff"},
		"autostart":           {p.AutoStart, true},
		"autorestart":         {p.AutoRestart, RestartUnexpected},
		"startsecs":           {p.StartSecs, time.Second},
		"startretries":        {p.StartRetries, 3},
		"stopsignal":          {p.StopSignal, syscall.SIGTERM},
		"stopwaitsecs":        {p.StopWaitSecs, 10 * time.Second},
		"ready (none)":        {p.Ready.Kind, ProbeNone},
		"ready_timeout":       {p.ReadyTimeout, time.Minute},
		"instances":           {p.Instances, "1"},
		"on_unhealthy":        {p.OnUnhealthy, UnhealthyRestart},
		"on_fatal":            {p.OnFatal, FatalStop},
		"log_prefix":          {p.LogPrefix, "web"},
		"schedule (none)":     {p.Schedule, (*Cron)(nil)},
		"health.interval":     {p.HealthCheck.Interval, 10 * time.Second},
		"health.timeout":      {p.HealthCheck.Timeout, 3 * time.Second},
		"health.retries":      {p.HealthCheck.Retries, 3},
		"health.start_period": {p.HealthCheck.StartPeriod, time.Duration(0)},
		"task.user":           {s.Tasks[0].User, "app:staff"},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", name, c.got, c.want)
		}
	}
	if !reflect.DeepEqual(p.ExitCodes, []int{0}) {
		t.Errorf("exitcodes = %v", p.ExitCodes)
	}
	if !reflect.DeepEqual(p.Forward, []syscall.Signal{syscall.SIGHUP, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH, syscall.SIGQUIT}) {
		t.Errorf("forward = %v", p.Forward)
	}
	if s.User != "app:staff" {
		t.Errorf("user = %q", s.User)
	}
	if mustParse(t, "").User != "cloudron" {
		t.Error(`the default user must be "cloudron"`)
	}
}

// TestDefaultsAreFreshValues: defaults are decoded per spec, so a caller
// changing one spec's slices cannot change another's.
func TestDefaultsAreFreshValues(t *testing.T) {
	a := mustParse(t, "[programs.a]\ncommand = [\"a\"]\n")
	a.Programs[0].ExitCodes[0] = 9
	a.Programs[0].Forward[0] = syscall.SIGKILL
	b := mustParse(t, "[programs.a]\ncommand = [\"a\"]\n")
	if b.Programs[0].ExitCodes[0] != 0 || b.Programs[0].Forward[0] != syscall.SIGHUP {
		t.Error("a default list is shared between specs")
	}
}

// TestEnvOrder: [env] keeps the order written, not Go's map order or the
// alphabet, because later entries refer to earlier ones.
func TestEnvOrder(t *testing.T) {
	names := []string{"Z", "B", "Y", "A", "X", "C", "W", "D", "V", "E", "U", "F"}
	var b strings.Builder
	b.WriteString("[env]\n")
	for i, n := range names {
		b.WriteString(n + ` = "` + strings.Repeat("v", i) + `"` + "\n")
	}
	b.WriteString("[programs.w]\ncommand = [\"w\"]\nenvironment = { Q = \"1\", P = \"2\", \"O\" = \"3\" }\n")
	for range 5 { // map iteration order differs between runs
		s := mustParse(t, b.String())
		var got []string
		for i, p := range s.Env {
			got = append(got, p.Name)
			if p.Value != strings.Repeat("v", i) {
				t.Errorf("%s = %q", p.Name, p.Value)
			}
		}
		if !reflect.DeepEqual(got, names) {
			t.Fatalf("env order %v, want %v", got, names)
		}
		if env := s.Programs[0].Environment; len(env) != 3 || env[0].Name != "Q" || env[2].Name != "O" {
			t.Fatalf("environment order %v", env)
		}
	}
}

func TestPatchKeysFlattenInOrder(t *testing.T) {
	s := mustParse(t, `
[[patch]]
file = "/app/data/settings.json"
set = { z = "1", server.url = "u", server.port = "p", "mail.host" = "h" }
defaults = { "a"."b" = "2" }
`)
	want := []Pair{{"z", "1"}, {"server.url", "u"}, {"server.port", "p"}, {"mail.host", "h"}}
	if !reflect.DeepEqual(s.Patch[0].Set, want) {
		t.Errorf("set = %v, want %v", s.Patch[0].Set, want)
	}
	if !reflect.DeepEqual(s.Patch[0].Defaults, []Pair{{"a.b", "2"}}) {
		t.Errorf("defaults = %v", s.Patch[0].Defaults)
	}
}

func TestProgramsSortedAndNamed(t *testing.T) {
	s := mustParse(t, `
[programs.zeta]
command = "z"
[programs.alpha]
command = ["a"]
after = ["zeta"]
log_prefix = ""
[programs."my.app"]
command = ["m"]
`)
	var names []string
	for _, p := range s.Programs {
		names = append(names, p.Name)
	}
	if !reflect.DeepEqual(names, []string{"alpha", "my.app", "zeta"}) {
		t.Errorf("programs in order %v", names)
	}
	if s.Program("alpha").LogPrefix != "" {
		t.Error(`log_prefix = "" must stay empty (no prefix), not default to the name`)
	}
	if s.Program("zeta").Command.Shell != "z" || s.Program("zeta").Command.Argv != nil {
		t.Errorf("a string command is a shell line: %+v", s.Program("zeta").Command)
	}
	if s.Program("nope") != nil || s.Task("nope") != nil {
		t.Error("Program/Task of an unknown name must be nil")
	}
}

func TestStepForms(t *testing.T) {
	s := mustParse(t, `
[first_run]
user = "www-data"
commands = [
  ["a", "b"],
  { command = "c && d", creates = "/app/data/x", user = "root", when = "X", unless = "exists:/app/data/y" },
]
`)
	c := s.FirstRun.Commands
	if len(c) != 2 || !reflect.DeepEqual(c[0].Command.Argv, []string{"a", "b"}) || c[0].User != "www-data" {
		t.Errorf("array step: %+v", c[0])
	}
	want := Step{Command: Command{Shell: "c && d"}, Creates: "/app/data/x", User: "root", When: Cond{Var: "X"}, Unless: Cond{Path: "/app/data/y"}}
	if !reflect.DeepEqual(c[1], want) {
		t.Errorf("table step: %+v, want %+v", c[1], want)
	}
}

// TestAllProblemsAtOnce: problems from decoding and from the checks come
// together, sorted by line, one per line, in FILE:LINE: KEY: MSG form.
func TestAllProblemsAtOnce(t *testing.T) {
	e := parseErr(t, `[programs.web]
command = ["node"]
after = ["nope"]
stopsignal = "BOGUS"

[[dirs]]
path = "/etc/x"

[workers]
per_worker = "1Q"
`)
	want := []string{
		`appstart.toml:3: programs.web.after[1]: no program "nope"`,
		`appstart.toml:4: programs.web.stopsignal: unknown signal "BOGUS"`,
		`appstart.toml:7: dirs[1].path: "/etc/x" is on the read-only root`,
		`appstart.toml:10: workers.per_worker: unknown unit in "1Q"`,
	}
	lines := strings.Split(e.Error(), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d problems:\n%v", len(lines), e)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], w)
		}
	}
}

func TestSyntaxErrorHasColumn(t *testing.T) {
	e := parseErr(t, "user = \"x\"\nmode = 0750\n")
	if len(e.Problems) != 1 {
		t.Fatalf("problems: %v", e.Problems)
	}
	p := e.Problems[0]
	if p.Line != 2 || p.Col == 0 || !strings.HasPrefix(p.String(), "appstart.toml:2:") || !strings.Contains(p.Msg, "syntax error") {
		t.Errorf("syntax problem = %+v (%s)", p, p)
	}
}

func TestProblemString(t *testing.T) {
	for _, c := range []struct {
		p    Problem
		want string
	}{
		{Problem{File: "a.toml", Line: 3, Key: "programs.web", Msg: "m"}, "a.toml:3: programs.web: m"},
		{Problem{File: "a.toml", Line: 3, Col: 7, Msg: "syntax error: x"}, "a.toml:3:7: syntax error: x"},
		{Problem{File: "a.toml", Msg: "m"}, "a.toml: m"},
	} {
		if got := c.p.String(); got != c.want {
			t.Errorf("String() = %q, want %q", got, c.want)
		}
	}
}

func TestSortProblems(t *testing.T) {
	got := sortProblems([]Problem{
		{Line: 0, Msg: "no line"}, {Line: 9, Msg: "b"}, {Line: 2, Msg: "a"}, {Line: 9, Msg: "b"}, {Line: 9, Key: "a", Msg: "c"},
	})
	want := []Problem{{Line: 2, Msg: "a"}, {Line: 9, Msg: "b"}, {Line: 9, Key: "a", Msg: "c"}, {Line: 0, Msg: "no line"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sorted = %v, want %v", got, want)
	}
}

// TestWarningsDoNotFail: warnings alone load the spec; with errors they
// are kept in the *Error too.
func TestWarnings(t *testing.T) {
	src := `
[[secrets]]
name = "S"
file = "/run/s"
[first_run]
commands = [["i"]]
marker = "/tmp/.done"
[programs.a]
command = ["a"]
stopwaitsecs = 8
after = ["b"]
[programs.b]
command = ["b"]
stopwaitsecs = 8
[programs.c]
command = ["c"]
schedule = "@daily"
autorestart = "always"
`
	s := mustParse(t, src)
	var msgs []string
	for _, w := range s.Warnings {
		msgs = append(msgs, w.String())
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{
		`:4: secrets[1].file: "/run/s" is on a tmpfs`,
		`:7: first_run.marker: "/tmp/.done" is on a tmpfs that is empty at every start, so first_run runs on every start`,
		`:10: programs.a.stopwaitsecs: stopping can take 16s (a 8s then b 8s, in stop order)`,
		`:18: programs.c.autorestart: ignored for a scheduled program`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q:\n%s", want, all)
		}
	}
	e := parseErr(t, src+"[programs.d]\n")
	if len(e.Warnings) != len(s.Warnings) || len(e.Problems) != 1 {
		t.Errorf("with an error: %d problems, %d warnings", len(e.Problems), len(e.Warnings))
	}
}

func TestMissingKeyNotRepeatedForTypo(t *testing.T) {
	e := parseErr(t, "[programs.web]\ncomand = [\"x\"]\n")
	if len(e.Problems) != 1 || !strings.Contains(e.Problems[0].Msg, `did you mean "command"?`) {
		t.Errorf("a typo of a required key should give one problem, got:\n%v", e)
	}
	e = parseErr(t, "[programs.web]\nxyz = [\"x\"]\n")
	if len(e.Problems) != 2 {
		t.Errorf("an unrelated unknown key and a missing command are two problems, got:\n%v", e)
	}
}
