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
