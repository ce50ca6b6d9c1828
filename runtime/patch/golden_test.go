package patch

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the out, changed and error sections of testdata/patch goldens")

// A golden case is a txtar-like file under testdata/patch/<format>/:
//
//	comment lines
//	-- in --            (or "-- in crlf --", "-- in noeol --", both)
//	file text
//	-- set --           one ["key", "value"] JSON array per line
//	-- defaults --
//	-- out --           expected file (same crlf/noeol flags), or
//	-- error --         the exact error
//	-- changed --       one key per line
type golden struct {
	comment  string
	sections []section
}

type section struct {
	name, flags, body string
}

func readGolden(t *testing.T, path string) *golden {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	g := &golden{}
	var cur *section
	for _, l := range strings.SplitAfter(string(b), "\n") {
		if strings.HasPrefix(l, "-- ") && strings.HasSuffix(strings.TrimRight(l, "\n"), " --") {
			f := strings.Fields(strings.TrimSuffix(strings.TrimPrefix(strings.TrimRight(l, "\n"), "-- "), " --"))
			g.sections = append(g.sections, section{name: f[0], flags: strings.Join(f[1:], " ")})
			cur = &g.sections[len(g.sections)-1]
			continue
		}
		if cur == nil {
			g.comment += l
		} else {
			cur.body += l
		}
	}
	return g
}

func (g *golden) get(name string) (*section, bool) {
	for i := range g.sections {
		if g.sections[i].name == name {
			return &g.sections[i], true
		}
	}
	return nil, false
}

// file returns a section's body as file bytes, applying its flags.
func (s *section) file() []byte {
	b := s.body
	if strings.Contains(s.flags, "noeol") {
		b = strings.TrimSuffix(b, "\n")
	}
	if strings.Contains(s.flags, "crlf") {
		b = strings.ReplaceAll(b, "\n", "\r\n")
	}
	return []byte(b)
}

func kvs(t *testing.T, g *golden, name string) []KV {
	t.Helper()
	s, ok := g.get(name)
	if !ok {
		return nil
	}
	var out []KV
	for _, l := range strings.Split(strings.TrimSpace(s.body), "\n") {
		if l == "" {
			continue
		}
		var pair [2]string
		if err := json.Unmarshal([]byte(l), &pair); err != nil {
			t.Fatalf("%s line %q: %v", name, l, err)
		}
		out = append(out, KV{pair[0], pair[1]})
	}
	return out
}

var fileNames = map[string]string{INI: "config.ini", Dotenv: ".env", JSON: "config.json", YAML: "config.yaml"}

func (g *golden) write(t *testing.T, path string, out []byte, changed []string, err error, inFlags string) {
	t.Helper()
	var sb strings.Builder
	sb.WriteString(g.comment)
	for _, s := range g.sections {
		if s.name == "out" || s.name == "error" || s.name == "changed" {
			continue
		}
		sb.WriteString("-- " + strings.TrimSpace(s.name+" "+s.flags) + " --\n" + s.body)
	}
	if err != nil {
		sb.WriteString("-- error --\n" + err.Error() + "\n")
	} else {
		body := strings.ReplaceAll(string(out), "\r\n", "\n")
		flags := inFlags
		if len(out) > 0 && !strings.HasSuffix(body, "\n") {
			body += "\n"
		} else {
			flags = strings.TrimSpace(strings.ReplaceAll(flags, "noeol", ""))
		}
		sb.WriteString("-- " + strings.TrimSpace("out "+flags) + " --\n" + body)
		sb.WriteString("-- changed --\n")
		for _, c := range changed {
			sb.WriteString(c + "\n")
		}
	}
	if err := os.WriteFile(path, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestGolden(t *testing.T) {
	paths, err := filepath.Glob("../../testdata/patch/*/*.txt")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, path := range paths {
		format := filepath.Base(filepath.Dir(path))
		t.Run(format+"/"+strings.TrimSuffix(filepath.Base(path), ".txt"), func(t *testing.T) {
			t.Parallel()
			g := readGolden(t, path)
			inSec, ok := g.get("in")
			if !ok {
				t.Fatal("no in section")
			}
			in := inSec.file()
			set, defaults := kvs(t, g, "set"), kvs(t, g, "defaults")
			keep := slices.Clone(in)
			out, changed, err := Apply(format, fileNames[format], in, set, defaults)
			if *update {
				g.write(t, path, out, changed, err, inSec.flags)
				return
			}
			if string(in) != string(keep) {
				t.Fatal("Apply modified its input")
			}
			if want, ok := g.get("error"); ok {
				if err == nil || err.Error() != strings.TrimSuffix(want.body, "\n") {
					t.Fatalf("error = %v\nwant    %s", err, want.body)
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			want, ok := g.get("out")
			if !ok {
				t.Fatal("no out or error section")
			}
			if string(out) != string(want.file()) {
				t.Errorf("out:\n%q\nwant:\n%q", out, want.file())
			}
			var wantChanged []string
			if c, ok := g.get("changed"); ok && strings.TrimSpace(c.body) != "" {
				wantChanged = strings.Split(strings.TrimSpace(c.body), "\n")
			}
			if !slices.Equal(changed, wantChanged) {
				t.Errorf("changed = %q, want %q", changed, wantChanged)
			}
			checkApplied(t, format, in, out, set, defaults, changed)
		})
	}
}

// checkApplied holds for every successful Apply: applying again changes
// nothing, and a reader of the output sees each set value and each default
// that was written.
func checkApplied(t *testing.T, format string, in, out []byte, set, defaults []KV, changed []string) {
	t.Helper()
	again, changed2, err := Apply(format, fileNames[format], out, set, defaults)
	if err != nil || string(again) != string(out) || len(changed2) != 0 {
		t.Errorf("not idempotent: err=%v changed=%q\nfirst:  %q\nsecond: %q", err, changed2, out, again)
	}
	want := map[string]string{}
	for _, kv := range set {
		want[kv.Key] = kv.Value
	}
	for _, kv := range defaults {
		if _, isSet := want[kv.Key]; !isSet && slices.Contains(changed, kv.Key) {
			want[kv.Key] = kv.Value
		}
	}
	for key, v := range want {
		got, found, err := readBack(t, format, out, key)
		if err != nil || !found || got != v {
			t.Errorf("%s reads back as %q (found %v, err %v), want %q", key, got, found, err, v)
		}
	}
}
