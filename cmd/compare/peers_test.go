package main

import (
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"appstart/runtime/spec"
)

// The generated appstart.toml must load through the real spec package:
// a spec appstart rejects would make every appstart cell a failure.
func TestAppstartSpecLoads(t *testing.T) {
	t.Parallel()
	j := job{
		programs: []program{
			{name: "a", argv: []string{"/bin/sh", "-c", `trap '' TERM; echo "it's"`}},
			{name: "b", argv: helperArgv("lines", "1", "10", "100", modeLine)},
		},
		oneShot:  true,
		stopWait: 1500 * time.Millisecond,
	}
	s, err := spec.Parse("appstart.toml", []byte(appstartSpec(j)))
	if err != nil {
		t.Fatalf("spec.Parse: %v\n%s", err, appstartSpec(j))
	}
	if s.User != "root" || len(s.Programs) != 2 {
		t.Fatalf("user %q, %d programs; want root, 2", s.User, len(s.Programs))
	}
	for i, p := range s.Programs {
		if !reflect.DeepEqual(p.Command.Argv, j.programs[i].argv) {
			t.Errorf("program %s argv = %q, want %q", p.Name, p.Command.Argv, j.programs[i].argv)
		}
		if p.AutoRestart != spec.RestartNever || p.StopWaitSecs != 1500*time.Millisecond {
			t.Errorf("program %s: autorestart %q stopwaitsecs %v; want never, 1.5s", p.Name, p.AutoRestart, p.StopWaitSecs)
		}
	}
}

func TestSupervisordConf(t *testing.T) {
	t.Parallel()
	j := job{programs: []program{{name: "w", argv: []string{"sleep", "1000"}}}, oneShot: true, stopWait: 1500 * time.Millisecond}
	conf := supervisordConf(j)
	for _, want := range []string{
		"nodaemon=true", "[program:w]", "command=sleep 1000", "stdout_logfile=/dev/stdout",
		"stdout_logfile_maxbytes=0", "killasgroup=true", "autorestart=false", "startsecs=0",
		"stopwaitsecs=2", // supervisord takes whole seconds: rounded up, never shorter
	} {
		if !strings.Contains(conf, want+"\n") {
			t.Errorf("supervisord.conf lacks %q:\n%s", want, conf)
		}
	}
}

// shellJoin's output, run by a real sh, must give back the same argv.
func TestShellJoinRoundTrip(t *testing.T) {
	t.Parallel()
	argv := []string{"plain", "/a/b-c.d_e=f", "two words", "it's", `"dq"`, "$HOME", "", "a;b&c"}
	out, err := exec.Command("/bin/sh", "-c", `for a in `+shellJoin(argv)+`; do printf '%s\n' "<$a>"; done`).Output()
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for _, a := range argv {
		want.WriteString("<" + a + ">\n")
	}
	if string(out) != want.String() {
		t.Fatalf("sh gave\n%s\nwant\n%s", out, want.String())
	}
}

func TestOneChild(t *testing.T) {
	t.Parallel()
	sleep := []string{"sleep", "1000"}
	one := job{programs: []program{{"s", sleep}}}
	if got := oneChild(one); !reflect.DeepEqual(got, sleep) {
		t.Errorf("one program: %q, want the program itself", got)
	}
	three := job{programs: sleepers(3)}
	if got := oneChild(three); got[2] != "sleep 1000 & sleep 1000 & exec sleep 1000" {
		t.Errorf("three programs: %q", got)
	}
	three.oneShot = true
	if got := oneChild(three); got[2] != "sleep 1000 & sleep 1000 & sleep 1000 & wait" {
		t.Errorf("three one-shot programs: %q", got)
	}
}

func TestPeerOptions(t *testing.T) {
	t.Parallel()
	j := job{programs: []program{{"s", []string{"sleep", "1000"}}}, memoryLimit: 1 << 30}
	for _, tc := range []struct {
		p    peer
		argv []string
		pkg  string
	}{
		{peer{kind: kindAppstart, path: "/x/appstart"}, []string{appstartPath, "run", "--config", "/app/pkg/appstart.toml"}, "appstart.toml"},
		{peer{kind: kindSupervisord, path: "/usr/bin/supervisord"}, []string{"/usr/bin/supervisord", "-n", "-c", "/app/pkg/supervisord.conf"}, "supervisord.conf"},
		{peer{kind: kindTini, path: "/usr/bin/tini-static"}, []string{"/usr/bin/tini-static", "--", "sleep", "1000"}, ""},
		{peer{kind: kindDumbInit, path: "/usr/bin/dumb-init"}, []string{"/usr/bin/dumb-init", "sleep", "1000"}, ""},
		{peer{kind: kindDirect}, []string{"sleep", "1000"}, ""},
		{peer{kind: kindGoFloor, path: "/x/gofloor"}, []string{goFloorPath, "/app/pkg/appstart.toml"}, "appstart.toml"},
	} {
		o := tc.p.options(j, "/tmp/helper")
		if !reflect.DeepEqual(o.Argv, tc.argv) {
			t.Errorf("%s: argv %q, want %q", tc.p.kind, o.Argv, tc.argv)
		}
		if _, ok := o.Pkg[tc.pkg]; tc.pkg != "" && !ok {
			t.Errorf("%s: no %s in Pkg", tc.p.kind, tc.pkg)
		}
		if o.Binaries[helperPath] != "/tmp/helper" || o.MemoryLimit != 1<<30 {
			t.Errorf("%s: binaries %v, memory %d", tc.p.kind, o.Binaries, o.MemoryLimit)
		}
		if tc.p.kind == kindAppstart && o.Binaries[appstartPath] != "/x/appstart" {
			t.Errorf("appstart binary not mounted: %v", o.Binaries)
		}
		if tc.p.kind == kindGoFloor && o.Binaries[goFloorPath] != "/x/gofloor" {
			t.Errorf("gofloor binary not mounted: %v", o.Binaries)
		}
	}
}

func TestParsePeers(t *testing.T) {
	t.Parallel()
	got, err := parsePeers("tini, appstart,go-floor")
	if err != nil || !reflect.DeepEqual(got, []peerKind{kindTini, kindAppstart, kindGoFloor}) {
		t.Errorf("parsePeers = %v, %v", got, err)
	}
	if _, err := parsePeers("appstart,s6"); err == nil || !strings.Contains(err.Error(), `"s6"`) {
		t.Errorf("unknown peer: err = %v", err)
	}
}
