package convert

import (
	"reflect"
	"testing"
)

func readOne(t *testing.T, src string) (*config, []Problem) {
	t.Helper()
	c := &config{}
	return c, c.read("t.conf", []byte(src))
}

func TestReadINI(t *testing.T) {
	c, probs := readOne(t, "; comment\n# comment\n[program:a]\nCommand = x  ; inline\nuser:me\nenv=a;b #c\n  more\n\n  after blank\n\n\n[program:a]\nuser=you\n")
	if len(probs) > 0 {
		t.Fatalf("problems: %v", probs)
	}
	if len(c.sections) != 1 {
		t.Fatalf("sections = %d, want the repeated [program:a] merged into 1", len(c.sections))
	}
	got := map[string]string{}
	for _, o := range c.sections[0].opts {
		got[o.name] = o.value
	}
	want := map[string]string{
		"command": "x",
		"user":    "you",
		// ";" not after a blank is kept; " #c" is a comment; the
		// continuation keeps one blank line and drops the trailing ones.
		"env": "a;b\nmore\n\nafter blank",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("options = %q, want %q", got, want)
	}
	if o, _ := c.sections[0].get("user"); o.pos.line != 13 {
		t.Errorf("user is at line %d, want 13 (the later value)", o.pos.line)
	}
}

func TestReadINIProblems(t *testing.T) {
	_, probs := readOne(t, "x=1\n[program:a]\nno delimiter\n= v\n[DEFAULT]\n")
	var lines []int
	for _, p := range probs {
		lines = append(lines, p.Line)
	}
	if !reflect.DeepEqual(lines, []int{1, 3, 4, 5}) {
		t.Errorf("problem lines = %v, want [1 3 4 5]: %v", lines, probs)
	}
}

func TestInlineCommentInQuotes(t *testing.T) {
	c, _ := readOne(t, "[program:a]\ncommand=sh -c \"echo a ; echo b\"\n")
	o, _ := c.sections[0].get("command")
	if o.value != `sh -c "echo a` || !o.cut {
		t.Errorf("command = %q, cut = %v; want the value cut at \" ;\" as supervisord cuts it, and flagged", o.value, o.cut)
	}
}

func TestHeader(t *testing.T) {
	for in, want := range map[string]string{"[a]": "a", "[a]x": "a", "[a]b]": "a]b", "[]": "", "a": ""} {
		got, _ := header(in)
		if got != want {
			t.Errorf("header(%q) = %q, want %q", in, got, want)
		}
	}
}
