package templates

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoldenForms renders every testdata/templates/forms/*.tmpl with
// formsEnv (OPT_* optional) and compares with NAME.golden, or, for err_*
// templates, compares the error text with NAME.err.
func TestGoldenForms(t *testing.T) {
	t.Parallel()
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "templates", "forms", "*.tmpl"))
	if err != nil || len(paths) < 10 {
		t.Fatalf("found %d templates, %v", len(paths), err)
	}
	opts := Options{Optional: map[string]bool{"OPT_SMTP": true, "OPT_PORT": true}}
	for _, path := range paths {
		base := strings.TrimSuffix(path, ".tmpl")
		name := filepath.Base(base)
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var out []byte
			tmpl, err := Parse(name+".tmpl", src)
			if err == nil {
				out, err = tmpl.Render(lookupIn(formsEnv), opts)
			}
			if strings.HasPrefix(name, "err_") {
				if err == nil {
					t.Fatalf("rendered without error: %q", out)
				}
				golden(t, base+".err", []byte(err.Error()+"\n"))
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			golden(t, base+".golden", out)
		})
	}
}
