package environ

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseEnvFile: the reader never panics; every entry it returns has a
// valid name and no NUL; writing the entries back in double quotes and
// reading them again gives the same entries (the reader and a writer agree
// on quoting). The Docker reader never panics either.
func FuzzParseEnvFile(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "envfiles", "*.env"))
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("A=\"x\\\r\n\"\r\nB='\r\n'"))
	f.Add([]byte("B=\"wo\r\r\n\rnes\"")) // once produced a value holding CRLF
	f.Fuzz(func(t *testing.T, src []byte) {
		_, _ = ParseDockerEnvFile("fuzz", bytes.NewReader(src), func(string) (string, bool) { return "v", true })
		entries, err := ParseEnvFile("fuzz", bytes.NewReader(src))
		if err != nil {
			if entries != nil {
				t.Fatal("entries returned with an error")
			}
			return
		}
		var b strings.Builder
		for _, e := range entries {
			if nameLen(e.Name) != len(e.Name) || e.Name == "" || strings.IndexByte(e.Value, 0) >= 0 {
				t.Fatalf("bad entry %+v", e)
			}
			b.WriteString(e.Name + "=\"" + dqEscape.Replace(e.Value) + "\"\n")
		}
		again, err := ParseEnvFile("again", strings.NewReader(b.String()))
		if err != nil {
			t.Fatalf("rewritten file does not parse: %v\n%s", err, b.String())
		}
		if len(again) != len(entries) {
			t.Fatalf("%d entries became %d", len(entries), len(again))
		}
		for i := range again {
			if again[i].Name != entries[i].Name || again[i].Value != entries[i].Value {
				t.Fatalf("entry %d: %+v became %+v", i, entries[i], again[i])
			}
		}
	})
}

var dqEscape = strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`, "`", "\\`")

// FuzzExpand: Expand never panics, and a string without "$" expands to
// itself.
func FuzzExpand(f *testing.F) {
	for _, s := range []string{"${A}", "${A:-${B|url}}", "$$", "${", "${A-}", "${A|json:-x}", "plain"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Expand(s, func(n string) (string, bool) { return "v", n != "UNSET" })
		if !strings.Contains(s, "$") && (err != nil || got != s) {
			t.Fatalf("Expand(%q) = %q, %v", s, got, err)
		}
	})
}
