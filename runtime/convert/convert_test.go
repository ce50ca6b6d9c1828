package convert

import (
	"errors"
	"strings"
	"testing"

	"appstart/runtime/spec"
)

func convertString(t *testing.T, name, conf string, opt Options) (string, []string, error) {
	t.Helper()
	out, warns, err := Convert([]Input{{Name: name, R: strings.NewReader(conf)}}, opt)
	return string(out), warns, err
}

func TestHere(t *testing.T) {
	conf := "[program:a]\ncommand=%(here)s/run\nuser=cloudron\n"
	if _, _, err := convertString(t, "conf.d/a.conf", conf, Options{}); err == nil || !strings.Contains(err.Error(), "--here") {
		t.Errorf("relative file, no Here: err = %v, want one asking for --here", err)
	}
	out, _, err := convertString(t, "/etc/supervisor/conf.d/a.conf", conf, Options{})
	if err != nil || !strings.Contains(out, `["/etc/supervisor/conf.d/run"]`) {
		t.Errorf("absolute file: %v\n%s", err, out)
	}
	out, _, err = convertString(t, "a.conf", conf, Options{Here: "/opt/sv"})
	if err != nil || !strings.Contains(out, `["/opt/sv/run"]`) {
		t.Errorf("Here given: %v\n%s", err, out)
	}
}

func TestGetenvOnlyWarns(t *testing.T) {
	conf := "[program:a]\ncommand=run %(ENV_MINE)s %(ENV_CLOUDRON_MYSQL_HOST)s %(ENV_SET)s\nuser=cloudron\nenvironment=LOCAL=%(ENV_OTHER)s\n"
	getenv := func(n string) (string, bool) { return "x", n == "SET" }
	withEnv, warns, err := convertString(t, "a.conf", conf, Options{Getenv: getenv})
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != 2 || !strings.Contains(warns[0], "MINE") || !strings.Contains(warns[1], "OTHER") {
		t.Errorf("warnings = %q; want MINE and OTHER only (CLOUDRON_MYSQL_HOST is an addon's, SET is set)", warns)
	}
	without, warns, _ := convertString(t, "a.conf", conf, Options{})
	if len(warns) != 0 || without != withEnv {
		t.Errorf("without Getenv: warnings %q, and the output must not depend on the environment", warns)
	}
}

func TestProblemsAcrossFiles(t *testing.T) {
	_, _, err := Convert([]Input{
		{Name: "a.conf", R: strings.NewReader("[program:a]\nbroken\n")},
		{Name: "b.conf", R: strings.NewReader("[nope]\n")},
	}, Options{})
	var ce *Error
	if !errors.As(err, &ce) || len(ce.Problems) != 1 || ce.Problems[0].File != "a.conf" || ce.Problems[0].Line != 2 {
		t.Fatalf("err = %v; want the syntax problem of a.conf:2 (sections are checked once every file reads)", err)
	}
	_, _, err = Convert([]Input{
		{Name: "a.conf", R: strings.NewReader("[program:a]\ncommand=x\n[group:g]\nprograms=a,b\n")},
		{Name: "b.conf", R: strings.NewReader("[program:b]\ncommand=y\n[nope]\n")},
	}, Options{})
	if err == nil || err.Error() != "b.conf:3: unknown section [nope]: supervisord reads [program:x], [group:x], [supervisord], [include], [eventlistener:x], [fcgi-program:x], [unix_http_server], [inet_http_server], [supervisorctl] and [rpcinterface:x]" {
		t.Errorf("err = %v; want only b.conf's unknown section (the group finds b in the second file)", err)
	}
}

func TestNoPrograms(t *testing.T) {
	out, warns, err := convertString(t, "a.conf", "[supervisord]\nnodaemon=true\n", Options{})
	if err != nil || len(warns) != 1 || !strings.Contains(warns[0], "no [program:x]") || strings.Contains(out, "[programs.") {
		t.Errorf("out %q, warns %q, err %v", out, warns, err)
	}
}

func TestPriorityTiers(t *testing.T) {
	conf := `
[program:db]
command=db
user=cloudron
priority=1
startsecs=10
[program:cache]
command=cache
user=cloudron
priority=1
[program:manual]
command=manual
user=cloudron
priority=2
autostart=false
[program:web]
command=web
user=cloudron
priority=3
[program:default]
command=d
user=cloudron
`
	out, _, err := convertString(t, "a.conf", conf, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		// after waits for db's startsecs: the serial start is said, in seconds.
		"# priority=3: supervisord started priority 1 (db, cache) first but did not wait for it; after waits until it is ready,\n" +
			"# so starts are serial: this one starts 10s or more after the first",
		"after = [\"db\", \"cache\"]\n\n# [program:default]",
		"# priority=999: supervisord started priority 3 (web) first but did not wait for it; after waits until it is ready,\n" +
			"# so starts are serial: this one starts 11s or more after the first",
		// autostart=false keeps its priority for the stop order (wger: clients before postgres).
		"autostart = false\n# supervisord kept the other programs running when manual went FATAL (startretries used up): so does this;\n" +
			"# on_fatal = \"stop\" (appstart's default) would stop the container instead, so the platform restarts it\non_fatal = \"ignore\"\n" +
			"# priority=2: supervisord stopped it before priority 1 (db, cache); after keeps that stop order, and when it is started it waits until they are ready\n" +
			"after = [\"db\", \"cache\"]\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks\n%s\n--- output\n%s", want, out)
		}
	}
	s, err := spec.Parse("a.toml", []byte(out))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Program("db").After; len(got) != 0 {
		t.Errorf("the lowest priority must come after nothing: %v", got)
	}
	if got := s.Program("manual"); got.AutoStart || strings.Join(got.After, ",") != "db,cache" {
		t.Errorf("manual: autostart %v, after %v; want false, [db cache] (stopped before them)", got.AutoStart, got.After)
	}
}

func TestPidproxy(t *testing.T) {
	for _, c := range []struct{ conf, want string }{
		{"command=pidproxy /run/a.pid /usr/sbin/a -f", "command = [\"/usr/sbin/a\", \"-f\"]\n# pidproxy /run/a.pid: appstart follows the pid in this file itself\npidfile = \"/run/a.pid\"\n"},
		{"command=pidproxy /run/a.pid /usr/sbin/a > /run/log", `command = "pidproxy /run/a.pid /usr/sbin/a > /run/log"`},
		{"command=pidproxy /run/a.pid /usr/sbin/a\nnumprocs=2\nprocess_name=%(process_num)s", "# pidproxy is kept: one pid file cannot follow several instances\ncommand = [\"pidproxy\""},
		{"command=pidproxy /run/a.pid a \"$HOME\"", "# pidproxy is kept: the command it runs needs a shell\n"},
	} {
		out, _, err := convertString(t, "a.conf", "[program:a]\nuser=cloudron\n"+c.conf+"\n", Options{})
		if err != nil || !strings.Contains(out, c.want) {
			t.Errorf("%s:\n%v\n%s\n--- want\n%s", c.conf, err, out, c.want)
		}
	}
	if _, _, err := convertString(t, "a.conf", "[program:a]\ncommand=pidproxy /run/a.pid\n", Options{}); err == nil {
		t.Errorf("pidproxy without a command: want an error")
	}
	if _, _, err := convertString(t, "a.conf", "[program:a]\ncommand=pidproxy run/a.pid a\n", Options{}); err == nil {
		t.Errorf("pidproxy with a relative pid file: want an error")
	}
}

func TestProgramNames(t *testing.T) {
	out, _, err := convertString(t, "a.conf", "[program:php@8]\ncommand=php-fpm\nuser=cloudron\n[program:.hidden]\ncommand=x\nuser=cloudron\n", Options{})
	if err != nil || !strings.Contains(out, "[programs.php-8]") || !strings.Contains(out, `[programs."p.hidden"]`) {
		t.Errorf("%v\n%s", err, out)
	}
	if _, _, err := convertString(t, "a.conf", "[program:a b]\ncommand=x\n", Options{}); err == nil {
		t.Errorf("a blank in a program name: want an error, as supervisord gives")
	}
}

func TestCutWarning(t *testing.T) {
	_, warns, err := convertString(t, "a.conf", "[program:a]\ncommand=sh -c 'a ; b'\nuser=cloudron\n", Options{})
	// supervisord's cut leaves an unclosed quote, which shlex refuses;
	// the warning says why.
	if err == nil || len(warns) != 1 || !strings.Contains(warns[0], "a.conf:2: command: a ; or # after a blank") {
		t.Errorf("err %v, warns %q", err, warns)
	}
	_, warns, err = convertString(t, "a.conf", "[program:a]\ncommand=a\nenvironment=A=\"x ;y\"\nuser=cloudron\n", Options{})
	if err == nil || len(warns) != 1 {
		t.Errorf("want the cut environment value refused with a warning, warns %q", warns)
	}
}

// TestOddBytes holds what fuzzing found: bytes that are not UTF-8 (which
// Python refuses to read) and control characters, which a TOML comment
// cannot hold.
func TestOddBytes(t *testing.T) {
	if _, _, err := convertString(t, "a.conf", "[program:\x82]\ncommand=0\n", Options{}); err == nil || !strings.Contains(err.Error(), "a.conf:1: not valid UTF-8") {
		t.Errorf("err = %v, want a.conf:1 not valid UTF-8", err)
	}
	out, _, err := convertString(t, "a.conf", "[program:a]\ncommand=x\x01y\nuser=cloudron\nfoo=\x02\x7f\n", Options{})
	if err != nil || !strings.Contains(out, `command = ["x\u0001y"]`) || !strings.Contains(out, "# foo=??: not a supervisord program key") {
		t.Errorf("%v\n%s", err, out)
	}
}
