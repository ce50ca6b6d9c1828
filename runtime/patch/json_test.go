package patch

import (
	"bytes"
	"strings"
	"testing"
)

// TestJSONValues writes every tricky value over a string, a number and a
// boolean, and as new keys; encoding/json reads each back.
func TestJSONValues(t *testing.T) {
	t.Parallel()
	const base = "{\n  \"s\": \"old\",\n  \"n\": 1,\n  \"b\": true,\n  \"o\": {}\n}\n"
	for _, v := range append(trickyValues(), "42", "-0.5e+3", "false") {
		set := []KV{{"s", v}, {"n", v}, {"b", v}, {"new", v}, {"o.deep.er", v}}
		out, _, err := Apply(JSON, "config.json", []byte(base), set, nil)
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		checkApplied(t, JSON, []byte(base), out, set, nil, nil)
	}
}

// TestJSONSpliceKeepsEveryOtherByte: replacing one value changes exactly
// that value's bytes.
func TestJSONSpliceKeepsEveryOtherByte(t *testing.T) {
	t.Parallel()
	in := []byte("{ \"a\" :[1,2 , {\"x\":\"\\u0041\"}],\n\t\"b\"  :  \"old\"  ,\"c\":null}\r\n")
	out, _, err := Apply(JSON, "c.json", in, []KV{{"b", "new"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(in, []byte(`"old"`))
	want := string(in[:at]) + `"new"` + string(in[at+len(`"old"`):])
	if string(out) != want {
		t.Errorf("out = %q\nwant  %q", out, want)
	}
}

func TestJSONLayout(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, in, key, want string }{
		{"four spaces", "{\n    \"a\": {\n        \"b\": 1\n    }\n}\n", "a.c.d", "{\n    \"a\": {\n        \"b\": 1,\n        \"c\": {\n            \"d\": \"v\"\n        }\n    }\n}\n"},
		{"no space after colon", "{\"a\":1}", "b", "{\"a\":1,\"b\":\"v\"}"},
		{"spaced compact", "{\"a\": 1}", "b", "{\"a\": 1, \"b\": \"v\"}"},
		{"empty root", "{}", "a", "{\n  \"a\": \"v\"\n}"},
		{"nested empty in compact", "{\"a\":{}}", "a.b", "{\"a\":{\"b\":\"v\"}}"},
		{"indented root", "  {\n    \"a\": 1\n  }\n", "b", "  {\n    \"a\": 1,\n    \"b\": \"v\"\n  }\n"},
		{"array elements", "{\"l\": [\n  {\"a\": 1}\n]}", "l.0.b", "{\"l\": [\n  {\"a\": 1, \"b\": \"v\"}\n]}"},
	} {
		out, _, err := Apply(JSON, "c.json", []byte(c.in), []KV{{c.key, "v"}}, nil)
		if err != nil || string(out) != c.want {
			t.Errorf("%s: got %q, %v\nwant %q", c.name, out, err, c.want)
		}
	}
}

func TestJSONErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, key, value, want string }{
		{`{"a": 1}`, "a", "\xff", `c.json: cannot set "a": value "\xff" is not valid UTF-8, which JSON cannot hold`},
		{`{"a": []}`, "a.x", "v", `c.json: cannot set "a.x": a is an array and "x" is not an index`},
		{`{"a": [1]}`, "a.01", "v", `c.json: cannot set "a.01": a is an array and "01" is not an index`},
		{`{"a": 1}`, "a..b", "v", `c.json: cannot set "a..b": empty name in dotted path (write \. for a dot inside a name)`},
		{"{\n\"a\": tru\n}", "a", "v", `c.json:2: cannot parse json: invalid character '\n' in literal true (expecting 'e')`},
		{"{\"a\": 1} {}", "a", "v", `c.json:1: cannot parse json: invalid character '{' after top-level value`},
	} {
		_, _, err := Apply(JSON, "c.json", []byte(c.in), []KV{{c.key, c.value}}, nil)
		if err == nil || err.Error() != c.want {
			t.Errorf("%q %q: error %v\nwant       %s", c.in, c.key, err, c.want)
		}
	}
}

func TestJSONDefaultsSeeNullAsEmpty(t *testing.T) {
	t.Parallel()
	out, changed, err := Apply(JSON, "c.json", []byte(`{"a": null, "b": {}, "c": 0}`), nil,
		[]KV{{"a", "x"}, {"b", "x"}, {"c", "x"}})
	if err != nil || string(out) != `{"a": "x", "b": {}, "c": 0}` || strings.Join(changed, ",") != "a" {
		t.Errorf("got %s %q %v", out, changed, err)
	}
}
