package spec

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/specs")

const corpus = "../../testdata/specs"

// golden compares got with the file at path, or rewrites it under -update.
func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("cannot read golden file (run go test -update): %v", err)
	}
	if got != string(want) {
		t.Errorf("%s differs:\n--- got\n%s--- want\n%s", path, got, want)
	}
}

func lines(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// TestBadSpecs loads every testdata/specs/bad/NAME.toml and compares the
// whole error text with NAME.err.
func TestBadSpecs(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(corpus, "bad", "*.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 35 {
		t.Errorf("the broken-spec corpus has %d files, want at least 35", len(files))
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(strings.TrimSuffix(name, ".toml"), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Parse(name, data)
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("Parse = %v, %v; want an *Error", s, err)
			}
			if s != nil {
				t.Errorf("Parse returned a spec along with the error")
			}
			golden(t, strings.TrimSuffix(f, ".toml")+".err", se.Error()+"\n")
		})
	}
}

// TestGoodSpecs loads every testdata/specs/good/NAME.toml: no problems,
// the warnings in NAME.warn, and the resolved spec (every default
// applied) in NAME.json.
func TestGoodSpecs(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(corpus, "good", "*.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 3 {
		t.Errorf("found %d good specs, want at least 3", len(files))
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(strings.TrimSuffix(name, ".toml"), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Parse(name, data)
			if err != nil {
				t.Fatalf("Parse:\n%v", err)
			}
			base := strings.TrimSuffix(f, ".toml")
			golden(t, base+".warn", lines(s.Warnings))
			golden(t, base+".json", dump(t, s))
		})
	}
}

// dump is the spec as indented JSON without the empty parts (unset
// conditions, absent lists), so the golden files show what was resolved.
func dump(t *testing.T, s *Spec) string {
	t.Helper()
	js, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(js, &v); err != nil {
		t.Fatal(err)
	}
	out, err := json.MarshalIndent(prune(v), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(out) + "\n"
}

func prune(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			if e = prune(e); e == nil {
				delete(v, k)
			} else {
				v[k] = e
			}
		}
		if len(v) == 0 {
			return nil
		}
	case []any:
		for i, e := range v {
			if _, isStr := e.(string); !isStr { // keep "" arguments
				v[i] = prune(e)
			}
		}
	case string:
		if v == "" {
			return nil
		}
	}
	return v
}
