package templates

import (
	"slices"
	"strings"
	"testing"
)

func TestEscapeTable(t *testing.T) {
	t.Parallel()
	tests := []struct{ kind, in, want string }{
		{"", `a'b"c\d`, `a'b"c\d`},
		{None, `a'b"c\d`, `a'b"c\d`},
		{PHP, `it's`, `it\'s`},
		{PHP, `C:\path\`, `C:\\path\\`},
		{PHP, `\'`, `\\\'`},
		{PHP, "a\nb$c", "a\nb$c"},
		{JSON, `say "hi"\`, `say \"hi\"\\`},
		{JSON, "a\nb\tc\rd\be\ff", `a\nb\tc\rd\be\ff`},
		{JSON, "\x00\x1f\x7f", `\u0000\u001F` + "\x7f"},
		{JSON, "\u2028\u2029é", `\u2028\u2029é`},
		{JSON, "</script>", "</script>"},
		{YAML, `say "hi"\`, `say \"hi\"\\`},
		{YAML, "a\nb\tc\r", `a\nb\tc\r`},
		{YAML, "\x00\x1b\x07\x7f", `\0\e\x07\x7F`},
		{YAML, "\u0085\u2028\u2029\ufeff\u00a0", `\N\L\P\uFEFF` + "\u00a0"},
		{YAML, "# not a comment: [x]", "# not a comment: [x]"},
		// No ERB tag survives (Rails' database.yml goes through ERB first);
		// a lone < or % stays itself.
		{YAML, "pw<%= 6*7 %>", `pw\x3C%= 6*7 %>`},
		{YAML, "<<%%<", `<\x3C%%<`},
		{Shell, `it's`, `it'\''s`},
		{Shell, `$HOME "x" \n`, `$HOME "x" \n`},
		{Shell, `''`, `'\'''\''`},
		{XML, `a<b>&"c"'d'`, `a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;`},
		{XML, "l1\nl2\tx\r", "l1&#xA;l2&#x9;x&#xD;"},
		{XML, "ü€", "ü€"},
		{URL, "p@ss/wörd", "p%40ss%2Fw%C3%B6rd"},
		{URL, "a b+c", "a%20b%2Bc"},
		{URL, "AZaz09-._~", "AZaz09-._~"},
		{URL, "%", "%25"},
	}
	for _, tt := range tests {
		got, err := Escape(tt.kind, tt.in)
		if err != nil {
			t.Errorf("Escape(%q, %q): %v", tt.kind, tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Escape(%q, %q) = %q, want %q", tt.kind, tt.in, got, tt.want)
		}
	}
}

// TestEscapeDocTable checks the example column of the table in the doc
// comment of None, so the documentation cannot drift.
func TestEscapeDocTable(t *testing.T) {
	t.Parallel()
	const in = `a'b"c\d<e>&f g/h%`
	want := map[string]string{
		None:  `a'b"c\d<e>&f g/h%`,
		PHP:   `a\'b"c\\d<e>&f g/h%`,
		JSON:  `a'b\"c\\d<e>&f g/h%`,
		YAML:  `a'b\"c\\d<e>&f g/h%`,
		Shell: `a'\''b"c\d<e>&f g/h%`,
		XML:   `a&apos;b&quot;c\d&lt;e&gt;&amp;f g/h%`,
		URL:   `a%27b%22c%5Cd%3Ce%3E%26f%20g%2Fh%25`,
	}
	for kind, w := range want {
		got, err := Escape(kind, in)
		if err != nil || got != w {
			t.Errorf("Escape(%q) = %q, %v; want %q", kind, got, err, w)
		}
	}
}

func TestEscapeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ kind, in, want string }{
		{"bogus", "x", `unknown escape "bogus" (known: none, php, json, yaml, shell, xml, url)`},
		{Shell, "a\x00b", "value holds a NUL byte, which no shell string can"},
		{JSON, "a\xffb", "value is not valid UTF-8"},
		{YAML, "\xc3", "value is not valid UTF-8"},
		{XML, "\xc3", "value is not valid UTF-8"},
		{XML, "bell\x07", "value holds U+0007, which XML 1.0 cannot represent"},
		{XML, "\uffff", "value holds U+FFFF, which XML 1.0 cannot represent"},
	}
	for _, tt := range tests {
		got, err := Escape(tt.kind, tt.in)
		if err == nil {
			t.Errorf("Escape(%q, %q) = %q, want error %q", tt.kind, tt.in, got, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("Escape(%q, %q) error = %q, want %q", tt.kind, tt.in, err, tt.want)
		}
		if strings.Contains(err.Error(), tt.in) && tt.in != "x" {
			t.Errorf("error %q leaks the value", err)
		}
	}
}

// TestEscapeUnchangedNoAlloc: a value that needs no escaping is returned as
// is; the fast path matters because most values are plain hex secrets.
func TestEscapeUnchangedNoAlloc(t *testing.T) {
	const v = "0123456789abcdefABCDEF-secret_value"
	for _, kind := range Escapes() {
		allocs := testing.AllocsPerRun(100, func() {
			if got, _ := Escape(kind, v); got != v {
				t.Fatalf("Escape(%q) changed a plain value: %q", kind, got)
			}
		})
		if allocs != 0 {
			t.Errorf("Escape(%q) of a plain value allocates %v times", kind, allocs)
		}
	}
}

func TestEscapes(t *testing.T) {
	t.Parallel()
	got := Escapes()
	if !slices.Equal(got, []string{"none", "php", "json", "yaml", "shell", "xml", "url"}) {
		t.Errorf("Escapes() = %v", got)
	}
	for _, k := range got {
		if !ValidEscape(k) {
			t.Errorf("ValidEscape(%q) = false", k)
		}
	}
	if !ValidEscape("") || ValidEscape("html") || ValidEscape("JSON") {
		t.Error("ValidEscape accepts the wrong kinds")
	}
}
