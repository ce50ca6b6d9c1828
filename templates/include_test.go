package templates

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"
)

// files is an Options.Include over a map; reads counts the paths read.
type files struct {
	m     map[string]string
	reads []string
}

func (f *files) read(path string) ([]byte, error) {
	f.reads = append(f.reads, path)
	if path == "/denied" {
		return nil, fs.ErrPermission
	}
	v, ok := f.m[path]
	if !ok {
		return nil, fmt.Errorf("open %s: %w", path, fs.ErrNotExist)
	}
	return []byte(v), nil
}

func TestInclude(t *testing.T) {
	t.Parallel()
	f := &files{m: map[string]string{
		"/app/data/.env":  "USER_KEY=1\nOTHER=##HOST ${X}\n", // never scanned
		"/app/data/nonl":  "LAST=1",
		"/app/data/empty": "",
	}}
	vars := map[string]string{"HOST": "db", "ON": "1"}
	tests := []struct{ src, want string }{
		{"A=##HOST\n##INCLUDE /app/data/.env\nB=2\n", "A=db\nUSER_KEY=1\nOTHER=##HOST ${X}\nB=2\n"},
		{"##INCLUDE /app/data/nonl\nB=2\n", "LAST=1\nB=2\n"},           // its last line is ended
		{"##INCLUDE /app/data/nonl\r\nB=2\r\n", "LAST=1\r\nB=2\r\n"},   // with the directive's own line end
		{"A=1\n##INCLUDE /app/data/nonl", "A=1\nLAST=1"},               // a last line without one stays so
		{"A=1\n  ##INCLUDE? /app/data/missing  \nB=2\n", "A=1\nB=2\n"}, // optional, indented
		{"A=1\n##INCLUDE /app/data/empty\nB=2\n", "A=1\nB=2\n"},
		{"##IF ON\n##INCLUDE /app/data/nonl\n##END\n", "LAST=1\n"},
		{"##IF !ON\n##INCLUDE /app/data/missing\n##ELSE\nx\n##END\n", "x\n"}, // not rendered: not read
		{"##INCLUDEX\n##{INCLUDE}\n", "vx\nvi\n"},                            // placeholders, not directives
	}
	for _, tt := range tests {
		tpl, err := Parse("t", []byte(tt.src))
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.src, err)
			continue
		}
		v := map[string]string{"INCLUDEX": "vx", "INCLUDE": "vi"}
		for k, x := range vars {
			v[k] = x
		}
		got, err := tpl.Render(func(n string) (string, bool) { x, ok := v[n]; return x, ok }, Options{Include: f.read})
		if err != nil || string(got) != tt.want {
			t.Errorf("Render(%q) = %q, %v; want %q", tt.src, got, err, tt.want)
		}
	}
	if slices.Contains(f.reads, "/app/data/missing") && strings.Count(strings.Join(f.reads, " "), "missing") != 1 {
		t.Errorf("an include in a section that does not render was read: %v", f.reads)
	}
}

func TestIncludeErrors(t *testing.T) {
	t.Parallel()
	f := &files{}
	parseErrs := []struct{ src, want string }{
		{"##INCLUDE\n", `template t: line 1: malformed directive "##INCLUDE": write ##INCLUDE /absolute/path (or ##INCLUDE? for a file that may be missing) alone on a line`},
		{"x\n##INCLUDE data/.env\n", `template t: line 2: malformed directive "##INCLUDE data/.env": write ##INCLUDE /absolute/path (or ##INCLUDE? for a file that may be missing) alone on a line`},
		{"##INCLUDE?/a\n", `template t: line 1: malformed directive "##INCLUDE?/a": write ##INCLUDE /absolute/path (or ##INCLUDE? for a file that may be missing) alone on a line`},
	}
	for _, tt := range parseErrs {
		if _, err := Parse("t", []byte(tt.src)); err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%q) = %v;\nwant %s", tt.src, err, tt.want)
		}
	}
	renderErrs := []struct {
		src  string
		opts Options
		want string
	}{
		{"a\n##INCLUDE /app/data/.env\n", Options{Include: f.read}, "template t: line 2: cannot include /app/data/.env: no such file (write ##INCLUDE? if it may be missing)"},
		{"##INCLUDE? /denied\n", Options{Include: f.read}, "template t: line 1: cannot include /denied: permission denied"},
		{"##INCLUDE /x\n", Options{}, "template t: line 1: cannot include /x: this render reads no files"},
	}
	for _, tt := range renderErrs {
		tpl, err := Parse("t", []byte(tt.src))
		if err != nil {
			t.Fatal(err)
		}
		out, err := tpl.Render(func(string) (string, bool) { return "", false }, tt.opts)
		var te *Error
		if !errors.As(err, &te) || err.Error() != tt.want || out != nil {
			t.Errorf("Render(%q) = %q, %v;\nwant %s", tt.src, out, err, tt.want)
		}
	}
	tpl, _ := Parse("t", []byte("##IF A\n##INCLUDE? /a\n##END\n##INCLUDE /b\n"))
	want := []Include{{Path: "/a", Optional: true, Line: 2, When: []string{"A"}}, {Path: "/b", Line: 4}}
	if got := tpl.Includes(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Includes() = %v, want %v", got, want)
	}
}
