package schema

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"appstart/runtime/spec"
)

var update = flag.Bool("update", false, "rewrite appstart.schema.json and the goldens of testdata/schema")

const (
	checkedIn = "../../appstart.schema.json"
	corpus    = "../../testdata/schema"
)

func mustValidator(t *testing.T) *validator {
	t.Helper()
	v, err := newValidator(Generate())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func decodeTOML(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if _, err := toml.Decode(string(data), &m); err != nil {
		t.Fatalf("cannot decode TOML: %v", err)
	}
	return m
}

// TestCheckedIn keeps appstart.schema.json in step with the key table.
func TestCheckedIn(t *testing.T) {
	got := Generate()
	if *update {
		if err := os.WriteFile(checkedIn, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(checkedIn)
	if err != nil {
		t.Fatalf("cannot read the checked-in schema: %v (run: go run ./runtime/schema/gen > appstart.schema.json)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("appstart.schema.json is out of date with spec.KnownKeys: run\n\tgo run ./runtime/schema/gen > appstart.schema.json\nor\n\tgo test ./runtime/schema -update")
	}
}

func TestDeterministic(t *testing.T) {
	if a, b := Generate(), Generate(); !bytes.Equal(a, b) {
		t.Fatal("two runs of Generate differ")
	}
}

// TestValidSpecs validates every example package, every good corpus spec
// and every output of the supervisord conversion corpus: all of them pass
// appstart check, so none may fail the schema.
func TestValidSpecs(t *testing.T) {
	files, _ := filepath.Glob("../../examples/*/appstart.toml")
	good, _ := filepath.Glob("../../testdata/specs/good/*.toml")
	converted, _ := filepath.Glob("../../testdata/supervisord/*.toml")
	files = append(append(files, good...), converted...)
	if len(files) < 4 {
		t.Fatalf("found only %d specs to validate", len(files))
	}
	v := mustValidator(t)
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := spec.Parse(f, data); err != nil {
				t.Fatalf("not a valid spec, so it proves nothing here:\n%v", err)
			}
			if errs := v.validate(decodeTOML(t, data)); len(errs) > 0 {
				t.Errorf("the schema rejects a spec that appstart check accepts:\n%s", strings.Join(errs, "\n"))
			}
		})
	}
}

// TestInvalidSpecs is the negative control: each testdata/schema/NAME.toml
// is wrong (an unknown key, a bad enum, a wrong type...) and must fail the
// schema with exactly the problems in NAME.err; spec.Parse must reject it
// too, so the schema is not inventing errors.
func TestInvalidSpecs(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpus, "*.toml"))
	if len(files) < 5 {
		t.Fatalf("found %d broken specs in %s, want at least 5", len(files), corpus)
	}
	v := mustValidator(t)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := spec.Parse(f, data); err == nil {
				t.Errorf("spec.Parse accepts %s, so the schema must not reject it", f)
			}
			errs := v.validate(decodeTOML(t, data))
			if len(errs) == 0 {
				t.Fatalf("the schema accepts a broken spec")
			}
			got := strings.Join(errs, "\n") + "\n"
			golden := strings.TrimSuffix(f, ".toml") + ".err"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("cannot read golden (go test -update): %v", err)
			}
			if got != string(want) {
				t.Errorf("schema problems differ:\n--- got\n%s--- want\n%s", got, want)
			}
		})
	}
}

// TestStrictEverywhere walks the generated schema: every object with
// "properties" (each table of the spec) forbids unknown keys.
func TestStrictEverywhere(t *testing.T) {
	v := mustValidator(t)
	n := 0
	var walk func(path string, x any)
	walk = func(path string, x any) {
		switch x := x.(type) {
		case map[string]any:
			if _, ok := x["properties"]; ok {
				n++
				if x["additionalProperties"] != false {
					t.Errorf("%s: a table without additionalProperties: false", path)
				}
			}
			for k, e := range x {
				walk(path+"/"+k, e)
			}
		case []any:
			for _, e := range x {
				walk(path+"[]", e)
			}
		}
	}
	walk("", v.root)
	if n < 10 {
		t.Errorf("found %d tables in the schema, want one per table of the spec", n)
	}
}

// TestEveryExampleConverts: each Example of the key table becomes a JSON
// example that the key's own schema accepts.
func TestEveryExampleConverts(t *testing.T) {
	v := mustValidator(t)
	var walk func(path string, ks []spec.Key)
	walk = func(path string, ks []spec.Key) {
		for _, k := range ks {
			kp := path + k.Name
			if k.Example != "" {
				js, ok := exampleJSON(k.Example)
				if !ok {
					t.Errorf("%s: example %s does not convert to JSON", kp, k.Example)
				} else {
					assertAccepts(t, v, k, kp, js)
				}
			}
			walk(kp+".", k.Keys)
		}
	}
	walk("", spec.KnownKeys())
}

func assertAccepts(t *testing.T, v *validator, k spec.Key, kp string, js []byte) {
	t.Helper()
	var sch map[string]any
	raw, err := marshal(property(k))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &sch); err != nil {
		t.Fatal(err)
	}
	var val any
	if err := json.Unmarshal(js, &val); err != nil {
		t.Fatal(err)
	}
	var errs []string
	v.check(sch, val, kp, &errs)
	if len(errs) > 0 {
		t.Errorf("%s: its own example fails its schema: %s", kp, strings.Join(errs, "; "))
	}
}

func TestExampleJSON(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`"0750"`, `"0750"`},
		{`["db"]`, `["db"]`},
		{`8`, `8`},
		{`{ PORT = "3000" }`, `{"PORT":"3000"}`},
		{`{ "mail.host" = "${X}" }`, `{"mail.host":"${X}"}`},
		{`{ http = "http://127.0.0.1:3000/", interval = "10s" }`, `{"http":"http://127.0.0.1:3000/","interval":"10s"}`},
		{`'C:\x'`, `"C:\\x"`},
		{`[["a", "b"], ["c"]]`, `[["a","b"],["c"]]`},
	} {
		got, ok := exampleJSON(c.in)
		if !ok || string(got) != c.want {
			t.Errorf("exampleJSON(%s) = %s, %v; want %s", c.in, got, ok, c.want)
		}
	}
	for _, bad := range []string{``, `"open`, `{ a = }`} {
		if got, ok := exampleJSON(bad); ok {
			t.Errorf("exampleJSON(%s) = %s; want not converted", bad, got)
		}
	}
}
