package patch

import (
	"fmt"
	"strings"
	"testing"
)

func TestSplitINIKey(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ key, sec, name, err string }{
		{"top", "", "top", ""},
		{".top.with.dots", "", "top.with.dots", ""},
		{"PHP.memory_limit", "PHP", "memory_limit", ""},
		{"Session.session.save_path", "Session", "session.save_path", ""},
		{"[mail.smtp]host", "mail.smtp", "host", ""},
		{"[mail.smtp]host.x", "mail.smtp", "host.x", ""},
		{"[]k", "", "", `empty section name in [] (write ".key" for the top part)`},
		{"[open", "", "", `no closing ] (write "[section.name]key")`},
		{"s.", "", "", `key name "" cannot be written in an ini file`},
		{"s.a:b", "", "", `key name "a:b" cannot be written in an ini file`},
		{"s.;c", "", "", `key name ";c" cannot be written in an ini file`},
		{"s. x", "", "", `key name " x" cannot be written in an ini file`},
		{" s.x", "", "", `section name " s" cannot be written in a [header]`},
	} {
		sec, name, err := splitINIKey(c.key)
		if sec != c.sec || name != c.name || fmt.Sprint(err) != strings.TrimSpace(c.err+map[bool]string{true: "<nil>"}[c.err == ""]) {
			t.Errorf("splitINIKey(%q) = %q, %q, %v; want %q, %q, %s", c.key, sec, name, err, c.sec, c.name, c.err)
		}
	}
}

func TestINIReads(t *testing.T) {
	t.Parallel()
	src := "a = raw value ; comment\nb = x;y\nc = \"q \\\" \\\\ \\$ \\n\" # c\nd = 'lit \\ $'\ne=\nf : colon\n  g = indented\nh = #notcomment?\ni = \"multi\nline\"\nbare\n"
	doc, err := parseINI([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"a": "raw value", "b": "x;y", "c": `q " \ $ \n`, "d": `lit \ $`, "e": "",
		"f": "colon", "g": "indented", "h": "", "i": "multi\nline", "bare": ""} {
		if got, ok, _ := doc.lookup(k); !ok || got != want {
			t.Errorf("%s = %q (found %v), want %q", k, got, ok, want)
		}
	}
}

// ini200 is a 200-line php.ini-like file: 20 sections of 10 lines.
func ini200() []byte {
	var sb strings.Builder
	for s := 0; s < 20; s++ {
		fmt.Fprintf(&sb, "[section%d]\n; comment for section %d\n", s, s)
		for k := 0; k < 7; k++ {
			fmt.Fprintf(&sb, "key%d = value %d.%d ; note\n", k, s, k)
		}
		sb.WriteString("\n")
	}
	return []byte(sb.String())
}

func BenchmarkApplyINI(b *testing.B) {
	in := ini200()
	set := []KV{{"section3.key2", "new"}, {"section19.key6", "x;y"}, {"section10.added", "v"}, {"fresh.key", "v"}}
	defaults := []KV{{"section0.key0", "d"}, {"section5.missing", "d"}}
	b.Run("changes", func(b *testing.B) {
		b.SetBytes(int64(len(in)))
		for b.Loop() {
			if _, _, err := Apply(INI, "php.ini", in, set, defaults); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The common case on a restart: everything already in place.
	out, _, _ := Apply(INI, "php.ini", in, set, defaults)
	b.Run("unchanged", func(b *testing.B) {
		b.SetBytes(int64(len(out)))
		for b.Loop() {
			if _, _, err := Apply(INI, "php.ini", out, set, defaults); err != nil {
				b.Fatal(err)
			}
		}
	})
}
