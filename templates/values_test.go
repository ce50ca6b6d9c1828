package templates

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/templates")

// nasty holds the values every escape is checked with: all ASCII
// punctuation, line breaks, tabs, multi-byte unicode, text that looks like
// template or shell syntax, and a value ending in a backslash.
var nasty = map[string]string{
	"PUNCT":        "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
	"NEWLINES":     "one\ntwo\r\nthree\n",
	"TABS":         "\tindented\tand trailing\t",
	"UNICODE":      "pässwörd—日本語🔑",
	"PLACEHOLDERS": "##DB_HOST ##{X} ##IF Y ${Z} $W %s &amp;",
	"BACKSLASHES":  `\ \\ \n \' \" \`,
	"QUOTES":       `'single' "double" ` + "`back`",
	"SPACES":       "  padded  ",
	"EMPTY":        "",
	"CONTROL":      "\x01\x07\x1b\x7f",
	"YAMLISH":      "- key: [a, {b}] & *c !d |e >f %g @h #i",
	"C1":           "\u0085\u00a0\u2028\u2029\ufeff",
	"PORT":         "5432",
}

// nastyNames lists the keys of nasty in a fixed order.
var nastyNames = []string{"PUNCT", "NEWLINES", "TABS", "UNICODE", "PLACEHOLDERS", "BACKSLASHES",
	"QUOTES", "SPACES", "EMPTY", "CONTROL", "YAMLISH", "C1"}

func lookupIn(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// golden compares got with the file at path, or rewrites it under -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("cannot read golden file (run with -update to create it): %v", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s: output differs from golden file\n got: %q\nwant: %q", path, got, want)
	}
}
