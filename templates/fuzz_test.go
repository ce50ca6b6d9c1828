package templates

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// FuzzParse: Parse never panics; a template without "##" renders to
// itself; a template that parses renders when every variable is set, and
// when none is, the unset names are a subset of Vars.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"##A", "##A##", "##{A|url}", "###A", "##A##B", "##{}", "##{A", "##IF A\nx\n##ELSE\ny\n##END\n",
		"##IF !A\r\n##IF B\r\n##END\r\n##END", "## comment\n##\n##1", "a\n  ##END\n", "##{IF} ##IFX",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		tmpl, err := Parse("fuzz", src)
		if !bytes.Contains(src, hashHash) {
			if err != nil {
				t.Fatalf("template without ## failed: %v", err)
			}
			out, err := tmpl.Render(func(string) (string, bool) { return "", false }, Options{})
			if err != nil || !bytes.Equal(out, src) {
				t.Fatalf("template without ## rendered %q, %v", out, err)
			}
			return
		}
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T, want *Error", err)
			}
			return
		}
		all := func(name string) (string, bool) { return "v_" + name, true }
		for _, kind := range Escapes() {
			if _, err := tmpl.Render(all, Options{Escape: kind}); err != nil {
				t.Fatalf("every variable set, escape %s: %v", kind, err)
			}
		}
		_, err = tmpl.Render(func(string) (string, bool) { return "", false }, Options{})
		if err != nil {
			vars := map[string]bool{}
			for _, v := range tmpl.Vars() {
				vars[v] = true
			}
			for _, n := range err.(*Error).Unset() {
				if !vars[n] {
					t.Fatalf("unset %q is not among Vars %v", n, tmpl.Vars())
				}
			}
		}
	})
}

// FuzzRender puts an arbitrary value into each escape's context and reads
// it back with that format's parser (or the exact inverse for php and
// shell quoting, whose real interpreters TestEscapePHPRuns and
// TestEscapeShellRuns run): the value must round-trip. The template is
// rendered in one pass, so a value holding "##A" comes out as itself.
func FuzzRender(f *testing.F) {
	for _, v := range nasty {
		f.Add(v)
	}
	f.Add("##A ##{A} ##IF A\n##END\n")
	f.Add("\xff\xfe")
	tmpl := func(src string) *Template {
		t, err := Parse("fuzz", []byte(src))
		if err != nil {
			f.Fatal(err)
		}
		return t
	}
	raw, inJSON, inYAML, inXML := tmpl("<##V>"), tmpl(`"##V"`), tmpl(`"##V"`), tmpl(`<a b="##V">##V</a>`)
	inURL, inPHP, inShell := tmpl("x://u:##V@h/##V?q=##V"), tmpl("'##V'"), tmpl("'##V'")
	f.Fuzz(func(t *testing.T, v string) {
		env := func(string) (string, bool) { return v, true }
		out := func(tm *Template, kind string) (string, bool) {
			b, err := tm.Render(env, Options{Escape: kind})
			if err != nil {
				if _, ok := err.(*Error); !ok {
					t.Fatalf("%s: error %T", kind, err)
				}
				if strings.Contains(err.Error(), v) && len(v) > 3 {
					t.Fatalf("%s: error leaks the value: %v", kind, err)
				}
				return "", false
			}
			return string(b), true
		}
		if got, _ := out(raw, None); got != "<"+v+">" {
			t.Fatalf("none: %q", got)
		}
		valid := utf8.ValidString(v)
		if got, ok := out(inJSON, JSON); ok != valid {
			t.Fatalf("json: ok=%v for valid=%v", ok, valid)
		} else if ok {
			var back string
			if err := json.Unmarshal([]byte(got), &back); err != nil || back != v {
				t.Fatalf("json: %q reads back as %q, %v", got, back, err)
			}
		}
		if got, ok := out(inYAML, YAML); ok != valid {
			t.Fatalf("yaml: ok=%v for valid=%v", ok, valid)
		} else if ok {
			var back string
			if err := yaml.Unmarshal([]byte(got), &back); err != nil || back != v {
				t.Fatalf("yaml: %q reads back as %q, %v", got, back, err)
			}
		}
		if got, ok := out(inXML, XML); ok {
			var back struct {
				B    string `xml:"b,attr"`
				Text string `xml:",chardata"`
			}
			if err := xml.Unmarshal([]byte(got), &back); err != nil || back.B != v || back.Text != v {
				t.Fatalf("xml: %q reads back as %+v, %v", got, back, err)
			}
		}
		if got, ok := out(inURL, URL); !ok {
			t.Fatal("url failed")
		} else if u, err := url.Parse(got); err != nil {
			t.Fatalf("url: %q: %v", got, err)
		} else if pw, _ := u.User.Password(); pw != v || u.Path != "/"+v || u.Query().Get("q") != v {
			t.Fatalf("url: %q reads back as %q %q %q", got, pw, u.Path, u.Query().Get("q"))
		}
		if got, _ := out(inPHP, PHP); unquotePHP(t, got) != v {
			t.Fatalf("php: %q reads back as %q", got, unquotePHP(t, got))
		}
		if got, ok := out(inShell, Shell); ok == strings.Contains(v, "\x00") {
			t.Fatalf("shell: ok=%v for a value with NUL=%v", ok, !ok)
		} else if ok && unquoteShell(t, got) != v {
			t.Fatalf("shell: %q reads back as %q", got, unquoteShell(t, got))
		}
	})
}

// unquotePHP reads a PHP single-quoted literal as PHP does: \\ and \' are
// escapes, any other backslash is literal, an unescaped ' ends the string.
func unquotePHP(t *testing.T, lit string) string {
	if len(lit) < 2 || lit[0] != '\'' || lit[len(lit)-1] != '\'' {
		t.Fatalf("php: not a quoted literal: %q", lit)
	}
	body := lit[1 : len(lit)-1]
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case c == '\\' && i+1 < len(body) && (body[i+1] == '\\' || body[i+1] == '\''):
			b.WriteByte(body[i+1])
			i++
		case c == '\'':
			t.Fatalf("php: unescaped quote ends the literal early: %q", lit)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// unquoteShell reads a word made of single-quoted parts and \' as POSIX sh
// does.
func unquoteShell(t *testing.T, word string) string {
	var b strings.Builder
	for i := 0; i < len(word); {
		switch {
		case word[i] == '\'':
			j := strings.IndexByte(word[i+1:], '\'')
			if j < 0 {
				t.Fatalf("shell: unterminated quote in %q", word)
			}
			b.WriteString(word[i+1 : i+1+j])
			i += j + 2
		case strings.HasPrefix(word[i:], `\'`):
			b.WriteByte('\'')
			i += 2
		default:
			t.Fatalf("shell: unquoted byte %q in %q", word[i], word)
		}
	}
	return b.String()
}
