package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"appstart/runtime/app"
	"appstart/runtime/cli"
)

func runMain(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := cli.Main(args, app.IO{Stdout: &out, Stderr: &errb, Env: []string{"PATH=/usr/bin:/bin"}})
	return code, out.String(), errb.String()
}

var allCommands = []string{"run", "check", "plan", "exec-as", "writes", "task", "status", "start", "stop",
	"restart", "signal", "logs", "health", "convert", "init", "schema", "version", "help"}

// The commands that read the spec.
var readSpec = map[string]bool{"run": true, "check": true, "plan": true, "task": true}

// Every command answers --help and -h with its usage on stdout and exit 0,
// changing nothing; those that read the spec show --config FILE, as the
// top-level help does. `help CMD` says the same.
func TestEveryCommandHelp(t *testing.T) {
	_, top, _ := runMain("help")
	for _, name := range allCommands {
		if !strings.Contains(top, "\n  "+name+" ") {
			t.Errorf("the top-level help does not list %s", name)
		}
		code, out, errOut := runMain(name, "--help")
		if code != 0 || errOut != "" || !strings.Contains(out, "Usage: appstart ") {
			t.Errorf("%s --help: exit %d\nstdout: %s\nstderr: %s", name, code, out, errOut)
		}
		if name != "help" && !strings.Contains(out, "Usage: appstart "+name) {
			t.Errorf("%s --help does not show its own usage:\n%s", name, out)
		}
		if readSpec[name] && !strings.Contains(out, "--config FILE") {
			t.Errorf("%s --help does not show --config FILE:\n%s", name, out)
		}
		if code2, out2, _ := runMain(name, "-h"); code2 != 0 || out2 != out {
			t.Errorf("%s -h: exit %d, and not what --help says:\n%s", name, code2, out2)
		}
		if code3, out3, _ := runMain("help", name); code3 != 0 || out3 != out {
			t.Errorf("help %s: exit %d, and not what %s --help says:\n%s", name, code3, name, out3)
		}
	}
	if !strings.Contains(top, "--config FILE") {
		t.Errorf("the top-level help lacks --config FILE:\n%s", top)
	}
}

// The help of help, in every spelling, is the list of commands with exit 0
// (these overflowed the stack: `help help` called itself without end).
func TestHelpOfHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"help", "help"}, {"help", "-h"}, {"help", "--help"},
		{"--help", "--help"}, {"-h"}, {"--help"}, {"-h", "help"}, {"help", "help", "--help"}} {
		code, out, errOut := runMain(args...)
		if code != 0 || !strings.Contains(out, "Commands:") || errOut != "" {
			t.Errorf("%q: exit %d\nstdout: %s\nstderr: %s", args, code, out, errOut)
		}
	}
}

// --version and -V print what `appstart version` prints.
func TestVersionFlag(t *testing.T) {
	code, want, _ := runMain("version")
	if code != 0 || want != "appstart "+app.Version+"\n" {
		t.Fatalf("version: exit %d: %q", code, want)
	}
	for _, flag := range []string{"--version", "-V", "-version"} {
		if code, out, errOut := runMain(flag); code != 0 || out != want {
			t.Errorf("%s: exit %d: %q %s", flag, code, out, errOut)
		}
	}
}

// An unknown command is a usage error with the nearest command suggested;
// so is `help` of one.
func TestUnknownCommand(t *testing.T) {
	for _, args := range [][]string{{"stauts"}, {"help", "stauts"}} {
		code, out, errOut := runMain(args...)
		if code != app.ExitUsage || out != "" || !strings.Contains(errOut, `unknown command "stauts", did you mean "status"?`) {
			t.Errorf("%q: exit %d\nstdout: %s\nstderr: %s", args, code, out, errOut)
		}
	}
}

// A positional argument where a command takes none is a usage error, not
// silently ignored (`appstart run appstart.toml` is no --config).
func TestUnexpectedArgument(t *testing.T) {
	code, _, errOut := runMain("run", "/app/pkg/appstart.toml")
	if code != app.ExitUsage || !strings.Contains(errOut, "takes no arguments") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

// plan takes run's input flags: --env-file (repeatable, a later file wins)
// fills the variables the spec uses, and flags may follow each other in any
// order.
func TestPlanTakesEnvFiles(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "appstart.toml")
	write(t, spec, "user = \"root\"\n[programs.web]\ncommand = [\"/bin/echo\", \"${GREETING}\", \"${NAME}\"]\n")
	write(t, filepath.Join(dir, "one.env"), "GREETING=hello\nNAME=one\n")
	write(t, filepath.Join(dir, "two.env"), "NAME=two\n")
	code, out, errOut := runMain("plan", "--env-file", filepath.Join(dir, "one.env"), "--config", spec, "--env-file", filepath.Join(dir, "two.env"))
	if code != 0 || !strings.Contains(out, "web: /bin/echo hello two") {
		t.Fatalf("plan: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	// --only selects as run would; a typo is refused before any stage.
	if code, out, errOut := runMain("plan", "--config", spec, "--env-file", filepath.Join(dir, "one.env"), "--only", "web"); code != 0 || !strings.Contains(out, "web: /bin/echo") {
		t.Errorf("plan --only web: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := runMain("plan", "--config", spec, "--env-file", filepath.Join(dir, "one.env"), "--only", "wbe"); code != app.ExitUsage || !strings.Contains(errOut, `did you mean "web"?`) {
		t.Errorf("plan --only wbe: exit %d\n%s", code, errOut)
	}
}

// `task NAME --config F` reads F: flags after the task's name.
func TestTaskFlagsAfterName(t *testing.T) {
	spec := filepath.Join(t.TempDir(), "appstart.toml")
	write(t, spec, "[programs.web]\ncommand = [\"/bin/true\"]\nuser = \"root\"\n[tasks.cleanup]\ncommand = [\"/bin/true\"]\nuser = \"root\"\n")
	code, _, errOut := runMain("task", "nosuch", "--config", spec)
	if code != app.ExitUsage || !strings.Contains(errOut, "no [tasks.nosuch] in the spec (tasks: cleanup)") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
