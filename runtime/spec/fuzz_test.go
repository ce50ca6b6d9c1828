package spec

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse: any input gives a spec or an *Error whose problems all have
// text, and never a panic; the source scan (locate) must survive whatever
// the TOML library accepts.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(corpus, "*", "*.toml"))
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(tricky))
	f.Add([]byte("[env.sub]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("f.toml", data)
		if err == nil {
			if s == nil {
				t.Fatal("nil spec without an error")
			}
			return
		}
		var se *Error
		if !errors.As(err, &se) || len(se.Problems) == 0 {
			t.Fatalf("error %v is not an *Error with problems", err)
		}
		for _, p := range se.Problems {
			if p.Msg == "" || !strings.HasPrefix(p.String(), "f.toml") {
				t.Fatalf("bad problem %+v", p)
			}
		}
	})
}
