package convert

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"appstart/runtime/spec"
)

// snippet is one ```toml block of GUIDE.md, with the line it starts on.
type snippet struct {
	line int
	text string
}

func guideSnippets(t *testing.T) []snippet {
	t.Helper()
	data, err := os.ReadFile("GUIDE.md")
	if err != nil {
		t.Fatal(err)
	}
	var out []snippet
	var cur *snippet
	for i, l := range strings.Split(string(data), "\n") {
		switch {
		case cur == nil && strings.TrimSpace(l) == "```toml":
			cur = &snippet{line: i + 2}
		case cur != nil && strings.TrimSpace(l) == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.text += l + "\n"
		}
	}
	if cur != nil {
		t.Fatalf("GUIDE.md:%d: unterminated ```toml block", cur.line-1)
	}
	return out
}

// wrapSnippet applies GUIDE.md's conventions: "# fragment" puts the lines
// in a [programs.app] table (with a command when they have none), and
// "# with programs: a, b" adds stub programs for after and needs.
func wrapSnippet(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	if strings.TrimSpace(first) == "# fragment" {
		body := s
		if !strings.Contains(s, "\ncommand =") {
			body = "command = [\"/app/code/server\"]\n" + s
		}
		return "[programs.app]\n" + body
	}
	if names, ok := strings.CutPrefix(strings.TrimSpace(first), "# with programs:"); ok {
		for _, n := range strings.Split(names, ",") {
			s += fmt.Sprintf("\n[programs.%s]\ncommand = [\"/bin/true\"]\n", strings.TrimSpace(n))
		}
	}
	return s
}

// TestGuideSnippets parses every ```toml block of GUIDE.md as appstart
// check would.
func TestGuideSnippets(t *testing.T) {
	snips := guideSnippets(t)
	if len(snips) < 20 {
		t.Errorf("GUIDE.md has %d toml snippets, want one per idiom (at least 20)", len(snips))
	}
	for _, s := range snips {
		if _, err := spec.Parse(fmt.Sprintf("GUIDE.md@%d", s.line), []byte(wrapSnippet(s.text))); err != nil {
			t.Errorf("GUIDE.md:%d: the snippet does not pass appstart check:\n%v\n%s", s.line, err, s.text)
		}
	}
}

// TestGuideSnippetsCanFail is the negative control: a broken snippet in
// the same wrapping is refused, so the test above is not vacuous.
func TestGuideSnippetsCanFail(t *testing.T) {
	for _, bad := range []string{
		"[[dirs]]\npath = \"/etc/app\"\n",
		"# fragment\nlogfiles = [\"run/app.log\"]\n",
		"# with programs: db\n[programs.web]\ncommand = [\"x\"]\nafter = [\"dbb\"]\n",
	} {
		if _, err := spec.Parse("bad.toml", []byte(wrapSnippet(bad))); err == nil {
			t.Errorf("a broken snippet passes:\n%s", bad)
		}
	}
}

// TestGuideCoversIdioms: every start.sh idiom issue 8 names has a section.
func TestGuideCoversIdioms(t *testing.T) {
	data, err := os.ReadFile("GUIDE.md")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ToLower(string(data))
	for _, want := range []string{"mkdir", ".initialized", "dd ", "sha1sum", "openssl", "sed ", "crudini", "chown -r",
		"cgroup", "gosu", "exec", "supervisord", "nginx", "apache", "php-fpm", "log files under /run", "-xx:maxram",
		"still needs a script", "first_run", "on_start"} {
		if !strings.Contains(text, want) {
			t.Errorf("GUIDE.md does not mention %q", want)
		}
	}
}
