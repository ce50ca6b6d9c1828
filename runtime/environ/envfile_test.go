package environ

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/envfiles")

// formatEntries renders parsed entries one per line as "LINE NAME=<Go-quoted value>",
// or the error text: the golden format of testdata/envfiles/*.want.
func formatEntries(entries []Entry, err error) string {
	var b strings.Builder
	for _, e := range entries {
		fmt.Fprintf(&b, "%d %s=%q\n", e.Line, e.Name, e.Value)
	}
	if err != nil {
		b.WriteString("error: " + strings.ReplaceAll(err.Error(), "; ", ";\n       ") + "\n")
	}
	return b.String()
}

// TestEnvFileGolden parses every testdata/envfiles/*.env (docker_* in
// Docker's format, with PASSED set in the environment) and compares with
// NAME.want.
func TestEnvFileGolden(t *testing.T) {
	t.Parallel()
	paths, err := filepath.Glob(filepath.Join("..", "..", "testdata", "envfiles", "*.env"))
	if err != nil || len(paths) < 8 {
		t.Fatalf("found %d env files, %v", len(paths), err)
	}
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".env")
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var entries []Entry
			if strings.HasPrefix(name, "docker") {
				entries, err = ParseDockerEnvFile(name+".env", f, lookupIn(map[string]string{"PASSED": "from the environment"}))
			} else {
				entries, err = ParseEnvFile(name+".env", f)
			}
			if strings.Contains(name, "err") != (err != nil) {
				t.Errorf("error = %v", err)
			}
			got := formatEntries(entries, err)
			want := strings.TrimSuffix(path, ".env") + ".want"
			if *update {
				if err := os.WriteFile(want, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			w, err := os.ReadFile(want)
			if err != nil {
				t.Fatalf("run with -update to create %s: %v", want, err)
			}
			if got != string(w) {
				t.Errorf("%s:\n--- got\n%s--- want\n%s", path, got, w)
			}
		})
	}
}

func TestParseEnvFileValues(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, name, want string }{
		{"A=x", "A", "x"},
		{"A=x y  z  ", "A", "x y  z"},
		{"A=x#y", "A", "x#y"},
		{"A=x #y", "A", "x"},
		{"A=#x", "A", "#x"},
		{`A="x #y"`, "A", "x #y"},
		{`A="\n\t\\\"\$\x"`, "A", "\n\\t\\\"$\\x"},
		{`A='\n\\'`, "A", `\n\\`},
		{"A=\"l1\r\nl2\"\r\n", "A", "l1\nl2"},
		{"A=\"x\\\r\ny\"", "A", "xy"},
		{"export A=1", "A", "1"},
		{"A=   x", "A", "x"},
		{`A=  "q"  # c`, "A", "q"},
		{"A=" + "\xff\xfe", "A", "\xff\xfe"},
		{"A=\"x\r\r\ny\"", "A", "x\ny"}, // every CR before LF is dropped (found by FuzzParseEnvFile)
		{"A=\"x\\\r\r\ny\"", "A", "xy"}, // continuation over CR CR LF
		{"A=\"x\ry\"", "A", "x\ry"},     // a lone CR is kept
		{"A=x\r\r\n", "A", "x"},
	}
	for _, tt := range tests {
		got, err := ParseEnvFile("t", strings.NewReader(tt.in))
		if err != nil || len(got) != 1 || got[0].Name != tt.name || got[0].Value != tt.want {
			t.Errorf("ParseEnvFile(%q) = %+v, %v; want %s=%q", tt.in, got, err, tt.name, tt.want)
		}
	}
}

func TestParseEnvFileErrorType(t *testing.T) {
	t.Parallel()
	_, err := ParseEnvFile("/app/data/env", strings.NewReader("A=1\nB C\n"))
	var e *Error
	if !errors.As(err, &e) || len(e.Problems) != 1 || e.Problems[0].Key != "/app/data/env:2" {
		t.Fatalf("err = %#v", err)
	}
	if err.Error() != "/app/data/env:2: blank after B: write B=value without blanks around =" {
		t.Errorf("err = %s", err)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestParseEnvFileReadError(t *testing.T) {
	t.Parallel()
	_, err := ParseEnvFile("/app/data/env", failingReader{})
	if err == nil || err.Error() != "cannot read env file /app/data/env: disk on fire" {
		t.Errorf("err = %v", err)
	}
	_, err = ParseDockerEnvFile("local.env", failingReader{}, nil)
	if err == nil || err.Error() != "cannot read env file local.env: disk on fire" {
		t.Errorf("docker err = %v", err)
	}
}

// TestEnvFileMatchesShell sources basic.env-style lines in sh and compares
// what the shell sees with ParseEnvFile, for the subset where the formats
// agree by design (no inline comments on unquoted values with spaces, no
// \n in double quotes, which sh keeps as backslash-n).
func TestEnvFileMatchesShell(t *testing.T) {
	t.Parallel()
	const src = "A=plain\nexport B='single $HOME \\n'\nC=\"dq \\\"x\\\" \\\\ \\$HOME\"\nD=\nE=a=b\nF=\"multi\nline\"\n"
	entries, err := ParseEnvFile("t", strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	shellSees := runShell(t, src, "A", "B", "C", "D", "E", "F")
	for _, e := range entries {
		if shellSees[e.Name] != e.Value {
			t.Errorf("%s: sh sees %q, ParseEnvFile %q", e.Name, shellSees[e.Name], e.Value)
		}
	}
}
