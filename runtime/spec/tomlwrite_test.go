package spec

import (
	"testing"

	"github.com/BurntSushi/toml"
)

// TestTOMLString: every string TOMLString writes reads back the same through
// a real TOML parser.
func TestTOMLString(t *testing.T) {
	for _, s := range []string{"", "plain", `a "b" c`, `back\slash`, "it's", `it's "both"`, "tab\tnew\nline", "cr\r\n", "\x01\x7f", "ünï", "${X} $$"} {
		var v struct{ K string }
		doc := "K = " + TOMLString(s)
		if _, err := toml.Decode(doc, &v); err != nil || v.K != s {
			t.Errorf("TOMLString(%q) = %s reads back as %q, %v", s, TOMLString(s), v.K, err)
		}
	}
	for k, want := range map[string]string{"web": "web", "php7.4-fpm": `"php7.4-fpm"`, "a_b-c": "a_b-c", "": `""`} {
		if got := TOMLKey(k); got != want {
			t.Errorf("TOMLKey(%q) = %s, want %s", k, got, want)
		}
	}
}

// TestTOMLComment: a comment reads back as no value at all, whatever it
// holds, and each line keeps its text.
func TestTOMLComment(t *testing.T) {
	for s, want := range map[string]string{
		"one":              "# one\n",
		"two\nlines ":      "# two\n# lines\n",
		"":                 "#\n",
		"bell\x07 del\x7f": "# bell? del?\n",
		"cr\r\ttab":        "# cr?\ttab\n",
	} {
		got := TOMLComment(s)
		if got != want {
			t.Errorf("TOMLComment(%q) = %q, want %q", s, got, want)
		}
		var v map[string]any
		if _, err := toml.Decode(got, &v); err != nil || len(v) != 0 {
			t.Errorf("TOMLComment(%q) = %q reads back as %v, %v", s, got, v, err)
		}
	}
}
