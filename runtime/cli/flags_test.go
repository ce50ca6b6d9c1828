package cli

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"appstart/runtime/app"
)

// Flags may come before, between and after positional arguments, as in
// `appstart logs web -f -n 5` and `appstart task NAME --config F`; "--" ends
// them, and a flag's value is never taken for a positional argument.
func TestParseInterleavesFlags(t *testing.T) {
	cases := []struct {
		args   []string
		pos    []string
		follow bool
		n      int
		config string
	}{
		{[]string{"web", "-f", "-n", "5"}, []string{"web"}, true, 5, ""},
		{[]string{"-f", "web", "-n=5"}, []string{"web"}, true, 5, ""},
		{[]string{"NAME", "--config", "F"}, []string{"NAME"}, false, 100, "F"},
		{[]string{"--config=F", "a", "b", "--n", "7"}, []string{"a", "b"}, false, 7, "F"},
		{[]string{"a", "--", "-f", "--config", "x"}, []string{"a", "-f", "--config", "x"}, false, 100, ""},
		{[]string{"--config", "-f"}, nil, false, 100, "-f"}, // a value, even one that looks like a flag
		{[]string{"-n", "-3", "-"}, []string{"-"}, false, -3, ""},
	}
	for _, tc := range cases {
		var stderr bytes.Buffer
		f := newFlags("logs", app.IO{Stderr: &stderr})
		follow := f.Bool("f", false, "")
		n := f.Int("n", 100, "")
		config := f.String("config", "", "")
		pos, code, ok := f.parse(tc.args)
		if !ok {
			t.Errorf("%q: exit %d: %s", tc.args, code, stderr.String())
			continue
		}
		if !reflect.DeepEqual(pos, tc.pos) || *follow != tc.follow || *n != tc.n || *config != tc.config {
			t.Errorf("%q: positional %q -f %v -n %d --config %q; want %q %v %d %q",
				tc.args, pos, *follow, *n, *config, tc.pos, tc.follow, tc.n, tc.config)
		}
	}
}

// exec-as's COMMAND keeps its own flags: after USER, nothing is parsed.
func TestParseVerbatimAfter(t *testing.T) {
	f := newFlags("exec-as", app.IO{Stderr: &bytes.Buffer{}})
	f.verbatimAfter = 1
	pos, _, ok := f.parse([]string{"cloudron", "ls", "-la", "--help"})
	if want := []string{"cloudron", "ls", "-la", "--help"}; !ok || !reflect.DeepEqual(pos, want) {
		t.Fatalf("positional %q (ok %v), want %q", pos, ok, want)
	}
}

// A bad flag is a usage error (exit 2) said on stderr with the usage; a
// missing value too.
func TestParseBadFlag(t *testing.T) {
	for _, args := range [][]string{{"web", "--bogus"}, {"-n"}, {"-n", "many"}} {
		var stdout, stderr bytes.Buffer
		f := newFlags("logs", app.IO{Stdout: &stdout, Stderr: &stderr})
		f.Int("n", 100, "")
		_, code, ok := f.parse(args)
		if ok || code != app.ExitUsage || stdout.Len() != 0 || !strings.Contains(stderr.String(), "appstart logs: ") ||
			!strings.Contains(stderr.String(), "Usage: appstart logs") {
			t.Errorf("%q: ok %v exit %d\nstdout: %s\nstderr: %s", args, ok, code, stdout.String(), stderr.String())
		}
	}
}
