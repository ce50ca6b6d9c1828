package convert

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"appstart/runtime/harness/skip"
	"appstart/runtime/spec"
)

// TestEnvSplitLikeSupervisord: supervisord expands %(ENV_X)s, then splits
// the line, so an empty X vanishes and "--log-level debug" is two words,
// while a quoted "%(ENV_Q)s" stays one. The converted command, run by a
// real /bin/sh as appstart runs a string command, must give the same argv.
func TestEnvSplitLikeSupervisord(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		skip.OrFail(t, "sh is not installed: cannot run the converted command")
	}
	conf := `[program:a]
command=printf '[%%s]' --port %(ENV_PORT)s %(ENV_FLAGS)s "%(ENV_Q)s" 'it''s' *
user=cloudron
`
	out, _, err := convertString(t, "a.conf", conf, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := spec.Parse("a.toml", []byte(out))
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	c := s.Program("a").Command
	if c.Shell == "" {
		t.Fatalf("command = %v: an argv array passes ${FLAGS} as one word\n%s", c.Argv, out)
	}
	cmd := exec.Command(sh, "-c", c.Shell)
	cmd.Dir = t.TempDir()
	os.WriteFile(cmd.Dir+"/file", nil, 0o644) // a glob supervisord never expanded
	cmd.Env = []string{"PATH=/usr/bin:/bin", "PORT=", "FLAGS=--log-level debug", "Q=a b"}
	got, err := cmd.Output()
	if err != nil {
		t.Fatalf("sh -c %q: %v", c.Shell, err)
	}
	// supervisord: "printf '[%s]' --port  --log-level debug "a b" 'it''s' *" split by shlex.
	if want := "[--port][--log-level][debug][a b][its][*]"; string(got) != want {
		t.Errorf("sh -c %q printed %s; supervisord's argv is %s", c.Shell, got, want)
	}
	if !strings.Contains(out, "${PORT}, ${FLAGS} unquoted, as supervisord split it") {
		t.Errorf("the output does not say why it is a shell line:\n%s", out)
	}
}

// TestFatalAndStderr: supervisord keeps the others running when one
// program goes FATAL, so each of several gets on_fatal = "ignore"; one
// alone is told why appstart exits. redirect_stderr's note follows what
// appstart does: one pipe for both streams once several programs run.
func TestFatalAndStderr(t *testing.T) {
	two, _, err := convertString(t, "a.conf", "[program:a]\ncommand=a\nuser=cloudron\nredirect_stderr=true\n[program:b]\ncommand=b\nuser=cloudron\n", Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, err := spec.Parse("a.toml", []byte(two))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a", "b"} {
		if got := s.Program(n).OnFatal; got != spec.FatalIgnore {
			t.Errorf("%s: on_fatal %q; want ignore, as supervisord\n%s", n, got, two)
		}
	}
	if !strings.Contains(two, "redirect_stderr=true: nothing to write: with several programs appstart already sends each one's stderr down the same pipe as its stdout") {
		t.Errorf("two programs: wrong redirect_stderr note\n%s", two)
	}
	one, _, err := convertString(t, "a.conf", "[program:a]\ncommand=a\nuser=cloudron\nredirect_stderr=true\n", Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, _ = spec.Parse("a.toml", []byte(one))
	if got := s.Program("a").OnFatal; got != spec.FatalStop || !strings.Contains(one, "supervisord stayed up with nothing running when this program went FATAL") {
		t.Errorf("one program: on_fatal %q and no note\n%s", got, one)
	}
	if !strings.Contains(one, "redirect_stderr=true: not carried: a program alone keeps appstart's stdio") {
		t.Errorf("one program: wrong redirect_stderr note\n%s", one)
	}
}
