package patch

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestYAMLValues writes every tricky value over plain, single- and
// double-quoted, numeric, boolean, null and block values, and as new keys;
// gopkg.in/yaml.v3 reads each back.
func TestYAMLValues(t *testing.T) {
	t.Parallel()
	const base = "plain: old\nsq: 'old'\ndq: \"old\"\nnum: 1\nbool: true\nnull:\nblock: |\n  text\nm:\n  k: v # c\n"
	for _, v := range append(trickyValues(), "42", "-0.5e+3", "false") {
		set := []KV{{"plain", v}, {"sq", v}, {"dq", v}, {"num", v}, {"bool", v}, {"null", v}, {"block", v}, {"m.k", v}, {"new.key", v}}
		out, _, err := Apply(YAML, "c.yaml", []byte(base), set, nil)
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		checkApplied(t, YAML, []byte(base), out, set, nil, nil)
	}
}

// TestYAMLReadsLikeYAMLv3 checks this package's reading of scalars against
// yaml.v3 on the forms config files use.
func TestYAMLReadsLikeYAMLv3(t *testing.T) {
	t.Parallel()
	src := `a: plain text # comment
b: 'it''s'
c: "esc \t \" \\ \u00e9 \x41 \N \_ end"
d: "folded
  over

  lines"
e: 'single
  folded'
f: |
  literal
   indented

  after blank
g: |-
  stripped
h: multi
  line plain
i: ~
j:
k: "a\
  b"
l: a#b
"quoted key": v
m: 0x1F
`
	doc, err := parseYAML([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var ref map[string]any
	if err := yaml.Unmarshal([]byte(src), &ref); err != nil {
		t.Fatal(err)
	}
	for k := range ref {
		root, _ := decodeYAML([]byte(src))
		want := ""
		for j := 0; j+1 < len(root.Content); j += 2 {
			if root.Content[j].Value == k {
				want = yamlLeaf(root.Content[j+1])
			}
		}
		got, found, err := doc.lookup(strings.ReplaceAll(k, ".", `\.`))
		if err != nil || !found || got != want {
			t.Errorf("%s = %q (found %v, %v), yaml.v3 reads %q", k, got, found, err, want)
		}
	}
}

func TestPlainSafe(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]bool{
		"hello": true, "hello world": true, "https://h:1/p?q=1#f": true, "a,b[c]{d}": true, "日本": true,
		"a-b": true, "/path/x": true, "x:y": true,
		"": false, "yes": false, "No": false, "ON": false, "null": false, "~": false, "true": false,
		"1": false, "0755": false, "1.5": false, ".5": false, "+1": false, "-1": false, ".inf": false,
		"2024-01-01": false, "12:30": false, "a: b": false, "a #b": false, "a:": false, " a": false,
		"a ": false, "#a": false, "&a": false, "*a": false, "!a": false, "|": false, ">": false,
		"'a": false, "\"a": false, "%a": false, "@a": false, "`a": false, "- a": false, "? a": false,
		"a\nb": false, "a\tb": false, "<<": false, "=": false, "\u2028": false,
	} {
		if got := plainSafe(v); got != want {
			t.Errorf("plainSafe(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestYAMLLongKey(t *testing.T) {
	t.Parallel()
	_, _, err := Apply(YAML, "c.yaml", nil, []KV{{strings.Repeat("k", 1025), "v"}}, nil)
	if err == nil || !strings.Contains(err.Error(), "longer than YAML allows") {
		t.Errorf("err = %v", err)
	}
}

// A |+ block keeps its trailing blank lines: a new key goes after them.
func TestYAMLKeepBlockTrailingLines(t *testing.T) {
	t.Parallel()
	in := "a: |+\n  text\n\n\n"
	out, _, err := Apply(YAML, "c.yaml", []byte(in), []KV{{"b", "v"}}, nil)
	if err != nil || string(out) != in+"b: v\n" {
		t.Fatalf("got %q, %v", out, err)
	}
	checkApplied(t, YAML, []byte(in), out, []KV{{"b", "v"}}, nil, []string{"b"})
	if got, _, _ := readBack(t, YAML, out, "a"); got != "text\n\n\n" {
		t.Errorf("a reads %q after the insert", got)
	}
}
