package patch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The fuzzers check, for any input, key and value: Apply does not panic,
// and when it succeeds the output parses, reads back the value at key with
// the format's real parser, leaves every other value as it was (compared on
// a flattened path -> value view), and is a fixed point of Apply.

func seedGoldens(f *testing.F, format string, seed func(in []byte, key, value string)) {
	paths, _ := filepath.Glob("../../testdata/patch/" + format + "/*.txt")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		in, rest, _ := strings.Cut(string(b), "-- set --\n")
		_, in, _ = strings.Cut(in, " --\n")
		var pair [2]string
		line, _, _ := strings.Cut(rest, "\n")
		if json.Unmarshal([]byte(line), &pair) != nil {
			pair = [2]string{"k", "v"}
		}
		seed([]byte(in), pair[0], pair[1])
	}
}

// fuzzOne runs Apply with key set to value, or as a default, and checks
// the output; flat flattens a file with an independent reader (ok false
// when that reader rejects it or the file is outside what the check covers).
func fuzzOne(t *testing.T, format string, in []byte, key, value string, asDefault bool,
	flat func([]byte) (map[string]string, bool)) {
	var set, defaults []KV
	if asDefault {
		defaults = []KV{{key, value}}
	} else {
		set = []KV{{key, value}}
	}
	out, changed, err := Apply(format, "f", in, set, defaults)
	if err != nil {
		return
	}
	again, changed2, err := Apply(format, "f", out, set, defaults)
	if err != nil || !bytes.Equal(again, out) || len(changed2) != 0 {
		t.Fatalf("not a fixed point: err=%v changed=%q\nin:     %q\nfirst:  %q\nsecond: %q", err, changed2, in, out, again)
	}
	before, ok := flat(in)
	if !ok {
		return
	}
	after, ok := flat(out)
	if !ok {
		t.Fatalf("output does not parse:\nin:  %q\nout: %q", in, out)
	}
	segs, path := []string{key}, key
	switch format {
	case JSON, YAML:
		segs, _ = splitPath(key)
		path = flatKey(segs)
	case INI:
		sec, name, _ := splitINIKey(key)
		path = sec + "\x00" + name
	case INIRaw:
		sec, name, _ := splitINIKey(key)
		path = sec + "\x00" + strings.ToLower(name) // configparser's names
	}
	if len(changed) == 0 {
		if !bytes.Equal(out, in) {
			t.Fatalf("changed nothing but rewrote the file")
		}
		return
	}
	for i := 0; i < len(segs) && (format == JSON || format == YAML); i++ {
		delete(before, flatKey(segs[:i])) // an empty object or null on the path is now an object
	}
	if got := after[path]; valueOf(got) != value {
		t.Fatalf("%s reads back %q, want %q\nin:  %q\nout: %q", key, got, value, in, out)
	}
	delete(before, path)
	delete(after, path)
	if fmt.Sprint(before) != fmt.Sprint(after) {
		t.Fatalf("other values changed\nin:  %q\nout: %q\nbefore: %q\nafter:  %q", in, out, before, after)
	}
}

// flatKey names a path in a flat view; the top level is "" and any other
// path starts with "/", so a member named "" differs from the top.
func flatKey(path []string) string {
	if len(path) == 0 {
		return ""
	}
	return "/" + joinPath(path)
}

// valueOf drops the type tag flat views put before a value.
func valueOf(tagged string) string {
	_, v, _ := strings.Cut(tagged, "\x00")
	return v
}

func flatOwn(format string) func([]byte) (map[string]string, bool) {
	return func(b []byte) (map[string]string, bool) {
		parse, _ := parserFor(format)
		doc, err := parse(b)
		if err != nil {
			return nil, false
		}
		m := map[string]string{}
		switch d := doc.(type) {
		case *iniDoc:
			for _, s := range d.secs {
				for _, k := range s.keys {
					name := k.name
					if d.raw {
						name = strings.ToLower(name)
					}
					m[s.name+"\x00"+name] = "\x00" + k.value
				}
			}
		case *propDoc:
			for _, e := range d.entries {
				m[e.key] = "\x00" + e.value
			}
		case *envDoc:
			for _, k := range d.keys {
				m[k.name] = "\x00" + k.value
			}
		}
		return m, true
	}
}

func flatJSON(b []byte) (map[string]string, bool) {
	if len(bytes.TrimSpace(b)) == 0 {
		return map[string]string{}, true
	}
	v, err := decodeJSON(b)
	if err != nil {
		return nil, false
	}
	m := map[string]string{}
	var walk func(v any, path []string)
	walk = func(v any, path []string) {
		p := flatKey(path)
		switch x := v.(type) {
		case map[string]any:
			if len(x) == 0 {
				m[p] = "{}\x00"
			}
			for k, c := range x {
				walk(c, append(path[:len(path):len(path)], k))
			}
		case []any:
			if len(x) == 0 {
				m[p] = "[]\x00"
			}
			for i, c := range x {
				walk(c, append(path[:len(path):len(path)], fmt.Sprint(i)))
			}
		default:
			m[p] = fmt.Sprintf("%T\x00%s", v, jsonLeaf(v))
		}
	}
	walk(v, nil)
	return m, true
}

func flatYAML(b []byte) (map[string]string, bool) {
	root, err := decodeYAML(b)
	if err != nil {
		return nil, false
	}
	m := map[string]string{}
	ok := true
	var walk func(n *yaml.Node, path []string)
	walk = func(n *yaml.Node, path []string) {
		p := flatKey(path)
		switch n.Kind {
		case yaml.MappingNode:
			if len(n.Content) == 0 {
				m[p] = "{}\x00"
			}
			seen := map[string]bool{}
			for j := 0; j+1 < len(n.Content); j += 2 {
				k := n.Content[j]
				if k.Kind != yaml.ScalarNode || seen[k.Value] || k.Value == "" {
					ok = false // complex, duplicate or empty keys: outside the check
					return
				}
				seen[k.Value] = true
				walk(n.Content[j+1], append(path[:len(path):len(path)], k.Value))
			}
		case yaml.SequenceNode:
			m[p] = fmt.Sprintf("seq\x00%d", len(n.Content))
			for i, c := range n.Content {
				walk(c, append(path[:len(path):len(path)], fmt.Sprint(i)))
			}
		case yaml.AliasNode:
			m[p] = "alias\x00" + n.Value
		default:
			m[p] = n.Tag + "\x00" + yamlLeaf(n)
		}
	}
	if root != nil {
		if root.Kind != yaml.MappingNode {
			return nil, false
		}
		walk(root, nil)
	}
	return m, ok
}

func FuzzINI(f *testing.F) {
	seedGoldens(f, INI, func(in []byte, k, v string) { f.Add(in, k, v, false) })
	f.Add([]byte("[a]\nb = \"x\" ; c\n"), "a.b", "p;\"$\n", true)
	f.Add([]byte("a = 1\r"), "0", "0", false) // a CR at the end of the file
	f.Fuzz(func(t *testing.T, in []byte, key, value string, asDefault bool) {
		fuzzOne(t, INI, in, key, value, asDefault, flatOwn(INI))
	})
}

func FuzzDotenv(f *testing.F) {
	seedGoldens(f, Dotenv, func(in []byte, k, v string) { f.Add(in, k, v, false) })
	f.Add([]byte("export A=\"x\\\"y\" # c\n"), "A", "it's\n$x", true)
	f.Fuzz(func(t *testing.T, in []byte, key, value string, asDefault bool) {
		fuzzOne(t, Dotenv, in, key, value, asDefault, flatOwn(Dotenv))
	})
}

func FuzzJSON(f *testing.F) {
	seedGoldens(f, JSON, func(in []byte, k, v string) { f.Add(in, k, v, false) })
	f.Add([]byte(`{"a":[{"b":1}],"c":{}}`), "a.0.b", "2", true)
	f.Add([]byte(`{"a":[{"b":0}]}`), "a.0.b", "0 ", false) // json.Valid accepts "0 "
	f.Add([]byte(`{}`), "0", "0", false)
	f.Add([]byte(`{"":{}}`), "0", "0", true)
	f.Fuzz(func(t *testing.T, in []byte, key, value string, asDefault bool) {
		fuzzOne(t, JSON, in, key, value, asDefault, flatJSON)
	})
}

func FuzzYAML(f *testing.F) {
	seedGoldens(f, YAML, func(in []byte, k, v string) { f.Add(in, k, v, false) })
	f.Add([]byte("a: 'x'\nb:\n  c: \"y\" # z\n"), "b.c", "yes: no", true)
	f.Add([]byte("a: 1\n"), strings.Repeat("6", 1100), "v", false) // over YAML's 1024-character key limit
	f.Fuzz(func(t *testing.T, in []byte, key, value string, asDefault bool) {
		fuzzOne(t, YAML, in, key, value, asDefault, flatYAML)
	})
}

func FuzzINIRaw(f *testing.F) {
	seedGoldens(f, INI, func(in []byte, k, v string) { f.Add(in, k, v, false) })
	f.Add([]byte(rawBase), "options.admin_passwd", `p;"$ #x`, true)
	f.Add([]byte("; c\n\n[s]\nA = 1\n  cont\n\n  more\n"), ".top", "v", false)
	f.Fuzz(func(t *testing.T, in []byte, key, value string, asDefault bool) {
		fuzzOne(t, INIRaw, in, key, value, asDefault, flatOwn(INIRaw))
	})
}

func FuzzProperties(f *testing.F) {
	f.Add([]byte("# c\ndb=postgres\nlong = a \\\n   b\nk\\ x : \\u00e9\n"), "long", "x\\ = é\n", false)
	f.Add([]byte("a\n"), "a", " v ", true)
	f.Fuzz(func(t *testing.T, in []byte, key, value string, asDefault bool) {
		fuzzOne(t, Properties, in, key, value, asDefault, flatOwn(Properties))
	})
}
