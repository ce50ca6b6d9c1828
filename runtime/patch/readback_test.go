package patch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"testing"

	"gopkg.in/yaml.v3"
)

// readBack reads key from a patched file with the format's real parser
// where Go has one (encoding/json, gopkg.in/yaml.v3, test-only), else with
// this package's reader (ini and dotenv also have PHP and sh checks in
// values_test.go).
func readBack(t *testing.T, format string, out []byte, key string) (string, bool, error) {
	t.Helper()
	switch format {
	case JSON:
		v, err := decodeJSON(out)
		if err != nil {
			return "", false, err
		}
		segs, _ := splitPath(key)
		for _, s := range segs {
			switch c := v.(type) {
			case map[string]any:
				var ok bool
				if v, ok = c[s]; !ok {
					return "", false, nil
				}
			case []any:
				i, err := strconv.Atoi(s)
				if err != nil || i >= len(c) {
					return "", false, nil
				}
				v = c[i]
			default:
				return "", false, fmt.Errorf("%s is not a container", s)
			}
		}
		return jsonLeaf(v), true, nil
	case YAML:
		root, err := decodeYAML(out)
		if err != nil {
			return "", false, err
		}
		segs, _ := splitPath(key)
		n := root
		for _, s := range segs {
			if n == nil || n.Kind != yaml.MappingNode {
				return "", false, nil
			}
			var next *yaml.Node
			for j := 0; j+1 < len(n.Content); j += 2 {
				if n.Content[j].Value == s {
					next = n.Content[j+1]
				}
			}
			if next == nil {
				return "", false, nil
			}
			n = next
		}
		return yamlLeaf(n), true, nil
	}
	parse, _ := parserFor(format)
	doc, err := parse(out)
	if err != nil {
		return "", false, err
	}
	return doc.lookup(key)
}

func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

func jsonLeaf(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return string(x)
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// decodeYAML returns the top node of b, nil for an empty document.
func decodeYAML(b []byte) (n *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml.v3 panicked: %v", r)
		}
	}()
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

func yamlLeaf(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		if n.Tag == "!!null" {
			return ""
		}
		return n.Value
	}
	return fmt.Sprintf("<%v>", n.Kind)
}

// trickyValues are the values every format must write so that its reader
// gets them back exactly: each ASCII punctuation character alone, inside,
// leading and trailing, all of them at once, blanks at the edges, line
// breaks, tabs, multi-byte unicode, words readers give a meaning to, empty.
func trickyValues() []string {
	const punct = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
	var vs []string
	for _, c := range punct {
		s := string(c)
		vs = append(vs, s, "a"+s+"b", s+"a", "a"+s, s+s)
	}
	return append(vs, punct, "p@ss w0rd/&\\'\"$x`y`;#", "  lead", "trail  ", " ", "l1\nl2", "l1\r\nl2", "\n", "end\n",
		"tab\there", "Grüße 日本 🎉", "", "${HOME}", "$HOME", "\\n", "a # b", "a ; b", "x: y", "- x", "? x", "---",
		"[x]", "{x}", "a=b=c", "On", "off", "yes", "No", "true", "null", "~", "0755", "1e3", "0x1F", "-1", ".5",
		"12:30", "2024-01-01", "<<", "=", "@x", "%x", "\u2028", "\u00a0nbsp", "é")
}
