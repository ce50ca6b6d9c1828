package templates

import (
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/valyala/fasttemplate"
)

// benchFixture returns the 5.7 KB, 30-placeholder PHP config, its ##{NAME}
// form, and a value for every placeholder (random-looking 32-byte secrets,
// as the platform generates them, plus a few with quotes to escape).
func benchFixture(b *testing.B) (bare, braced string, env map[string]string) {
	b.Helper()
	src, err := os.ReadFile(filepath.Join("..", "testdata", "templates", "bench", "config.php.tmpl"))
	if err != nil {
		b.Fatal(err)
	}
	bare = string(src)
	braced = regexp.MustCompile(`##([A-Za-z_][A-Za-z0-9_]*)`).ReplaceAllString(bare, "##{$1}")
	env = map[string]string{}
	for _, ph := range mustParse(b, "bench", src).Placeholders() {
		env[ph.Name] = "3f1c9e0b7a52d84e6c1fa0937b2e5d48" + ph.Name
	}
	env["CLOUDRON_MAIL_FROM_DISPLAY_NAME"] = `O'Reilly & "Sons"`
	return bare, braced, env
}

func BenchmarkRender(b *testing.B) {
	bare, _, env := benchFixture(b)
	tmpl := mustParse(b, "config.php", []byte(bare))
	lookup := lookupIn(env)
	for _, kind := range []string{None, PHP} {
		b.Run(kind, func(b *testing.B) {
			b.SetBytes(int64(len(bare)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tmpl.Render(lookup, Options{Escape: kind}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParse: parsing happens once per template per start.
func BenchmarkParse(b *testing.B) {
	bare, _, _ := benchFixture(b)
	src := []byte(bare)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("config.php", src); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBraced compares this engine with fasttemplate on the one form
// fasttemplate can express (##{NAME}), both parsing once and rendering in
// the loop, without escaping. fasttemplate is imported by this test only.
func BenchmarkBraced(b *testing.B) {
	_, braced, env := benchFixture(b)
	b.Run("appstart", func(b *testing.B) {
		tmpl := mustParse(b, "config.php", []byte(braced))
		lookup := lookupIn(env)
		b.SetBytes(int64(len(braced)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := tmpl.Render(lookup, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("fasttemplate", func(b *testing.B) {
		ft := fasttemplate.New(braced, "##{", "}")
		m := make(map[string]any, len(env))
		for k, v := range env {
			m[k] = v
		}
		b.SetBytes(int64(len(braced)))
		b.ReportAllocs()
		for b.Loop() {
			_ = ft.ExecuteString(m)
		}
	})
	b.Run("fasttemplate-lookup", func(b *testing.B) {
		// The shape we would need: a TagFunc that looks the name up and
		// notes a missing one (fasttemplate writes "" for it silently).
		ft := fasttemplate.New(braced, "##{", "}")
		lookup := lookupIn(env)
		b.SetBytes(int64(len(braced)))
		b.ReportAllocs()
		for b.Loop() {
			_, err := ft.ExecuteFuncStringWithErr(func(w io.Writer, tag string) (int, error) {
				v, _ := lookup(tag)
				return io.WriteString(w, v)
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestBenchFixtureShape keeps the benchmark honest about its input.
func TestBenchFixtureShape(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "testdata", "templates", "bench", "config.php.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	n := len(mustParse(t, "bench", src).Placeholders())
	if n != 30 || len(src) < 5000 || len(src) > 6000 || strings.Count(string(src), "##") != 30 {
		t.Errorf("fixture has %d bytes and %d placeholders, want ~5 KB and 30", len(src), n)
	}
}
