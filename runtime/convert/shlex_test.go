package convert

import (
	"reflect"
	"testing"
)

func TestSplitCommand(t *testing.T) {
	for _, c := range []struct {
		in            string
		argv          []string
		shell, quoted string
	}{
		{`a b  c`, []string{"a", "b", "c"}, "", ""},
		{`a "b c" 'd e' f\ g`, []string{"a", "b c", "d e", "f g"}, "", ""},
		{`a "x\"y\z" ''`, []string{"a", `x"y\z`, ""}, "", ""},
		{"a\n  b", []string{"a", "b"}, "", ""},
		{`a|b`, []string{"a|b"}, "|", ""},
		{`a && b`, []string{"a", "&&", "b"}, "&&", ""},
		{`a 2>&1`, []string{"a", "2>&1"}, ">&", ""},
		{`a $HOME`, []string{"a", "$HOME"}, "$HOME", ""},
		{`a '$HOME|x'`, []string{"a", "$HOME|x"}, "", ""},
		{`a "$HOME"`, []string{"a", "$HOME"}, "", "$HOME"},
		{`a $ b`, []string{"a", "$", "b"}, "", ""},
		{`X=1 a`, []string{"X=1", "a"}, "X=1 (a variable assignment)", ""},
		{`a --opt=1`, []string{"a", "--opt=1"}, "", ""},
	} {
		w, err := splitCommand(c.in)
		if err != nil {
			t.Errorf("splitCommand(%q): %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(w.argv, c.argv) || w.shell != c.shell || w.quoted != c.quoted {
			t.Errorf("splitCommand(%q) = %q, shell %q, quoted %q; want %q, %q, %q", c.in, w.argv, w.shell, w.quoted, c.argv, c.shell, c.quoted)
		}
	}
	for _, bad := range []string{`a "b`, `a 'b`, `a \`} {
		if _, err := splitCommand(bad); err == nil {
			t.Errorf("splitCommand(%q): want an error, as shlex.split raises", bad)
		}
	}
}

func TestIsShell(t *testing.T) {
	for argv, want := range map[string]bool{
		"bash -c x":      true,
		"/bin/sh -ec x":  true,
		"bash --login x": false,
		"node -c x":      false,
		"bash x y":       false,
		"sh -c":          false,
	} {
		if got := isShell(splitOrDie(t, argv)); got != want {
			t.Errorf("isShell(%q) = %v, want %v", argv, got, want)
		}
	}
}

func splitOrDie(t *testing.T, s string) []string {
	t.Helper()
	w, err := splitCommand(s)
	if err != nil {
		t.Fatal(err)
	}
	return w.argv
}
