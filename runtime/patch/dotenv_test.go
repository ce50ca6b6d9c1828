package patch

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"appstart/runtime/harness/skip"
)

var envSlots = []string{"RAW", "SQ", "DQ", "EX", "NEW"}

func envSet(v string) []KV {
	var set []KV
	for _, k := range envSlots {
		set = append(set, KV{k, v})
	}
	return set
}

const envBase = "RAW=old\nSQ='old'\nDQ=\"old\"\nexport EX=old # note\n"

// TestDotenvValues writes every tricky value as a new key and over raw,
// single- and double-quoted values; this package's reader gets each back.
func TestDotenvValues(t *testing.T) {
	t.Parallel()
	for _, v := range trickyValues() {
		set := envSet(v)
		out, _, err := Apply(Dotenv, ".env", []byte(envBase), set, nil)
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		checkApplied(t, Dotenv, []byte(envBase), out, set, nil, nil)
	}
}

// TestDotenvValuesSourcedByShell has sh source each patched file: start
// scripts do that. Values with a line break are skipped (\n is a dotenv
// escape, not a shell one), as are values holding both ' and a backquote,
// which only double quotes can hold and a shell would run (see dotenv.go).
func TestDotenvValuesSourcedByShell(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		skip.OrFail(t, "no sh")
	}
	dir := t.TempDir()
	var script strings.Builder
	var want []string
	for i, v := range append(trickyValues(), "control") {
		if strings.ContainsAny(v, "\r\n") || strings.Contains(v, "'") && strings.Contains(v, "`") {
			continue
		}
		out, _, err := Apply(Dotenv, ".env", []byte(envBase), envSet(v), nil)
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		if v == "control" {
			// Negative control: a raw blank ends a shell word, so the check can fail.
			out, v = []byte("RAW=a b\nSQ=x\nDQ=x\nEX=x\nNEW=x\n"), "control"
			want = append(want, "<not a b>")
		}
		name := filepath.Join(dir, fmt.Sprintf("v%03d.env", i))
		if err := os.WriteFile(name, out, 0o644); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&script, "( . %s && printf '%%s\\0' \"$RAW\" \"$SQ\" \"$DQ\" \"$EX\" \"$NEW\" ) || printf 'ERR\\0ERR\\0ERR\\0ERR\\0ERR\\0'\n", name)
		if v != "control" {
			want = append(want, v)
		}
	}
	// One-shot checker, as in TestINIValuesReadByPHP.
	b, err := exec.Command(sh, "-c", script.String()).Output()
	if err != nil {
		t.Fatalf("sh: %v", err)
	}
	got := bytes.Split(bytes.TrimSuffix(b, []byte{0}), []byte{0})
	if len(got) != 5*len(want) {
		t.Fatalf("sh printed %d values, want %d", len(got), 5*len(want))
	}
	for i, v := range want {
		for j, slot := range envSlots {
			g := string(got[5*i+j])
			if v == "<not a b>" {
				if slot == "RAW" && g == "a b" {
					t.Error("control: sh read RAW=a b unquoted as \"a b\"; the check cannot fail")
				}
				continue
			}
			if g != v {
				t.Errorf("%s = %q: sh reads %q", slot, v, g)
			}
		}
	}
}

func TestEncodeEnv(t *testing.T) {
	for _, c := range []struct {
		v     string
		quote byte
		want  string
	}{
		{"abc", 0, "abc"},
		{"a b", 0, "'a b'"},
		{"it's", 0, `"it's"`},
		{"l1\nl2", 0, `"l1\nl2"`},
		{"$x", '"', `"\$x"`},
		{"`id`", '"', "'`id`'"},
		{"it's `id`", '"', "\"it's `id`\""},
		{"x", '\'', "'x'"},
		{"it's", '\'', `"it's"`},
		{"", 0, ""},
	} {
		if got := encodeEnv(c.v, c.quote); got != c.want {
			t.Errorf("encodeEnv(%q, %q) = %s, want %s", c.v, c.quote, got, c.want)
		}
	}
}

func TestParseDotenvReads(t *testing.T) {
	src := "A=raw # c\nB='lit \\n $x'\nC=\"esc \\n \\\" \\\\ \\$ \\t\"\nD=a#b\n  export   E = spaced  \nF=\"multi\nline\"\n"
	doc, err := parseDotenv([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"A": "raw", "B": `lit \n $x`, "C": "esc \n \" \\ $ \\t", "D": "a#b", "E": "spaced", "F": "multi\nline"} {
		if got, ok, _ := doc.lookup(k); !ok || got != want {
			t.Errorf("%s = %q (found %v), want %q", k, got, ok, want)
		}
	}
}
