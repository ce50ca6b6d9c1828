package convert

import (
	"testing"

	"github.com/BurntSushi/toml"
)

// TestQuote: every string quote writes reads back the same through a
// real TOML parser.
func TestQuote(t *testing.T) {
	for _, s := range []string{"", "plain", `a "b" c`, `back\slash`, "it's", `it's "both"`, "tab\tnew\nline", "\x01\x7f", "ünï", "${X} $$"} {
		var v struct{ K string }
		doc := "K = " + quote(s)
		if _, err := toml.Decode(doc, &v); err != nil || v.K != s {
			t.Errorf("quote(%q) = %s reads back as %q, %v", s, quote(s), v.K, err)
		}
	}
	for k, want := range map[string]string{"web": "web", "php7.4-fpm": `"php7.4-fpm"`, "a_b-c": "a_b-c"} {
		if got := key(k); got != want {
			t.Errorf("key(%q) = %s, want %s", k, got, want)
		}
	}
}
