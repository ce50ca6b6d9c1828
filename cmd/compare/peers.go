package main

import (
	"fmt"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"

	"appstart/runtime/harness"
)

// Container paths of the binaries mounted into every container.
const (
	appstartPath = "/app/bin/appstart"
	goFloorPath  = "/app/bin/gofloor"
	helperPath   = "/app/bin/compare-helper"
)

// A program is one thing an init is asked to run.
type program struct {
	name string // program name for appstart and supervisord; appstart's log prefix is "name | "
	argv []string
}

// A job is the same work given to every init: its programs, and how they
// are to be stopped. Each peer turns it into its own configuration.
//
// Example: three idle programs.
//
//	job{programs: []program{{"s1", sleep}, {"s2", sleep}, {"s3", sleep}}}
//
// gives appstart an appstart.toml with [programs.s1] ... [programs.s3],
// supervisord a supervisord.conf with [program:s1] ..., and tini and
// dumb-init (one child only) sh -c 'sleep 1000 & sleep 1000 & exec sleep 1000'.
type job struct {
	programs []program
	// oneShot programs end by themselves: no init may restart them, and the
	// sh -c wrapper of the one-child inits waits for all of them.
	oneShot bool
	// stopWait is stopwaitsecs (whole seconds for supervisord); 0 leaves
	// each init's default.
	stopWait time.Duration
	// memoryLimit is harness.Options.MemoryLimit; 0 is the platform default.
	memoryLimit int64
}

// peerKind names an init; direct is no init at all (the program is PID 1).
type peerKind string

const (
	kindAppstart    peerKind = "appstart"
	kindTini        peerKind = "tini"
	kindDumbInit    peerKind = "dumb-init"
	kindSupervisord peerKind = "supervisord"
	// kindGoFloor is cmd/gofloor: the floor a Go init
	// reading the same spec with the same library sits on.
	kindGoFloor peerKind = "go-floor"
	kindDirect  peerKind = "direct"
	// kindNoReap is an init that never reaps: the tests' negative control.
	kindNoReap peerKind = "no-reap"
)

// A peer is one init under test, found on the host.
type peer struct {
	kind    peerKind
	path    string // host path of its binary
	missing string // why it cannot run at all, or ""
	version string
}

// findPeers locates the inits on the host. tini-static is preferred: it is
// what Docker's --init ships as docker-init.
func findPeers(appstartBin string, kinds []peerKind) []peer {
	var ps []peer
	for _, k := range kinds {
		p := peer{kind: k}
		switch k {
		case kindAppstart:
			p.path = appstartBin
			p.version = commandOutput(appstartBin, "version")
		case kindTini:
			p.path = lookFirst("tini-static", "tini")
			p.version = commandOutput(p.path, "--version")
		case kindDumbInit:
			p.path = lookFirst("dumb-init")
			p.version = commandOutput(p.path, "--version")
		case kindSupervisord:
			p.path = lookFirst("supervisord")
			p.version = commandOutput(p.path, "--version")
		case kindGoFloor:
			path, err := buildGoFloor()
			if err != nil {
				p.missing = err.Error()
			}
			p.path, p.version = path, "built from cmd/gofloor"
		}
		if p.path == "" && p.missing == "" {
			p.missing = "not installed"
		}
		ps = append(ps, p)
	}
	return ps
}

func lookFirst(names ...string) string {
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// commandOutput runs a version command; the driver runs outside any
// container, so os/exec's Output is fine here (appstart itself never uses it).
func commandOutput(path string, args ...string) string {
	if path == "" {
		return ""
	}
	out, _ := exec.Command(path, args...).CombinedOutput()
	return strings.TrimSpace(string(out))
}

// options builds the harness container that runs j under p, with the
// helper (this very executable) mounted at helperPath.
func (p peer) options(j job, helper string) harness.Options {
	o := harness.Options{
		Binaries:    map[string]string{helperPath: helper},
		MemoryLimit: j.memoryLimit,
	}
	switch p.kind {
	case kindAppstart:
		o.Binaries[appstartPath] = p.path
		o.Pkg = map[string]string{"appstart.toml": appstartSpec(j)}
		o.Argv = []string{appstartPath, "run", "--config", "/app/pkg/appstart.toml"}
	case kindGoFloor:
		o.Binaries[goFloorPath] = p.path
		o.Pkg = map[string]string{"appstart.toml": appstartSpec(j)}
		o.Argv = []string{goFloorPath, "/app/pkg/appstart.toml"}
	case kindSupervisord:
		o.Pkg = map[string]string{"supervisord.conf": supervisordConf(j)}
		o.Argv = []string{p.path, "-n", "-c", "/app/pkg/supervisord.conf"}
	case kindTini:
		o.Argv = append([]string{p.path, "--"}, oneChild(j)...)
	case kindDumbInit:
		o.Argv = append([]string{p.path}, oneChild(j)...)
	case kindDirect:
		o.Argv = oneChild(j)
	case kindNoReap:
		o.Argv = helperArgv(append([]string{"noreap"}, oneChild(j)...)...)
	}
	return o
}

// appstartSpec runs every program as root, as the other inits do, so no
// init pays for a credential switch the others skip.
func appstartSpec(j job) string {
	var b strings.Builder
	b.WriteString("user = \"root\"\n")
	for _, pr := range j.programs {
		fmt.Fprintf(&b, "\n[programs.%s]\ncommand = [", pr.name)
		for i, a := range pr.argv {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(strconv.Quote(a))
		}
		b.WriteString("]\n")
		if j.oneShot {
			b.WriteString("autorestart = \"never\"\n")
		}
		if j.stopWait > 0 {
			fmt.Fprintf(&b, "stopwaitsecs = %q\n", j.stopWait.String())
		}
	}
	return b.String()
}

// supervisordConf is the usual container setup: no daemon, the programs'
// output on supervisord's own stdout/stderr (maxbytes=0: /dev/stdout cannot
// be rotated), stop and kill as a group so a program's children go too.
func supervisordConf(j job) string {
	var b strings.Builder
	b.WriteString("[supervisord]\nnodaemon=true\nuser=root\nlogfile=/dev/null\nlogfile_maxbytes=0\npidfile=/run/supervisord.pid\n")
	for _, pr := range j.programs {
		fmt.Fprintf(&b, "\n[program:%s]\ncommand=%s\n", pr.name, shellJoin(pr.argv))
		b.WriteString("stdout_logfile=/dev/stdout\nstdout_logfile_maxbytes=0\n")
		b.WriteString("stderr_logfile=/dev/stderr\nstderr_logfile_maxbytes=0\n")
		b.WriteString("stopasgroup=true\nkillasgroup=true\n")
		if j.oneShot {
			// startsecs=0: a program that ends at once has still started
			// (not BACKOFF), and is left EXITED.
			b.WriteString("autorestart=false\nstartsecs=0\n")
		}
		if j.stopWait > 0 {
			fmt.Fprintf(&b, "stopwaitsecs=%d\n", int((j.stopWait+time.Second-1)/time.Second))
		}
	}
	return b.String()
}

// oneChild is the argv of an init that runs a single child: the program
// itself, or sh -c running them all ("a & b & exec c"; "a & b & wait" for
// one-shot programs, so the last one does not take the others down with
// the namespace when it ends first).
func oneChild(j job) []string {
	if len(j.programs) == 1 {
		return j.programs[0].argv
	}
	parts := make([]string, len(j.programs))
	for i, pr := range j.programs {
		parts[i] = shellJoin(pr.argv)
	}
	if j.oneShot {
		return []string{"/bin/sh", "-c", strings.Join(parts, " & ") + " & wait"}
	}
	last := len(parts) - 1
	return []string{"/bin/sh", "-c", strings.Join(parts[:last], " & ") + " & exec " + parts[last]}
}

// shellJoin quotes argv for sh -c and for supervisord's shlex.split.
func shellJoin(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		if a != "" && strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-=") == "" {
			q[i] = a
			continue
		}
		q[i] = "'" + strings.ReplaceAll(a, "'", `'"'"'`) + "'"
	}
	return strings.Join(q, " ")
}

// parsePeers reads the -peers flag.
func parsePeers(s string) ([]peerKind, error) {
	known := map[peerKind]bool{kindAppstart: true, kindTini: true, kindDumbInit: true, kindSupervisord: true, kindGoFloor: true}
	var ks []peerKind
	for _, f := range strings.Split(s, ",") {
		k := peerKind(strings.TrimSpace(f))
		if !known[k] {
			names := make([]string, 0, len(known))
			for n := range known {
				names = append(names, string(n))
			}
			sort.Strings(names)
			return nil, fmt.Errorf("unknown peer %q (known: %s)", k, strings.Join(names, ", "))
		}
		ks = append(ks, k)
	}
	return ks, nil
}
