package control

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

func TestDecodeRequestStrict(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ line, err string }{
		{`{"v":1,"op":"status"}`, ""},
		{` {"v":1,"op":"stop","names":["web","cron"],"signal":0,"n":0,"follow":false} ` + "\n", ""},
		{`{"v":1,"op":"logs","names":[],"n":5,"follow":true}`, ""},
		{`{"v":1,"op":"status","op":"stop","names":["web"]}`, `duplicate key "op"`},
		{`{"v":1,"v":1,"op":"status"}`, `duplicate key "v"`},
		{`{"v":1,"names":["a"],"op":"stop","names":["b"]}`, `duplicate key "names"`},
		{`{"v":1,"OP":"stop","names":["web"]}`, `key "OP" must be spelled "op"`},
		{`{"V":1,"op":"status"}`, `key "V" must be spelled "v"`},
		{`{"v":1,"op":"status","Follow":true}`, `key "Follow" must be spelled "follow"`},
		{`{"v":1,"op":"stop","name":"web"}`, `unknown key "name" (known: v, op, names, signal, n, follow, since)`},
		{`{"v":1,"op":"status","":1}`, `unknown key "" (known: v, op, names, signal, n, follow, since)`},
		// A key that only folds to a field through Unicode (K is the Kelvin
		// sign, which encoding/json folds to k) is unknown, not accepted.
		{`{"v":1,"op":"status","\u212a":1}`, "unknown key \"\u212a\" (known: v, op, names, signal, n, follow, since)"},
		{`{"v":1,"op":"status"} {"v":1,"op":"stop","names":["web"]}`, "trailing data after the request"},
		{`{"v":1,"op":"status"}x`, "trailing data after the request"},
		{`{"v":1,"op":"status"}]`, "trailing data after the request"},
		{`["v",1]`, "a request is a JSON object"},
		{`"status"`, "a request is a JSON object"},
		{``, "unexpected end of JSON input"},
		{`{"v":1,"op":"status"`, "unexpected end of JSON input"},
		{`{"v":1,"op":`, "unexpected end of JSON input"},
		{`{"v":1,"op":"stop","names":"web"}`, "json: cannot unmarshal string into Go struct field request.names of type []string"},
		{`{"v":"1","op":"status"}`, "json: cannot unmarshal string into Go struct field request.v of type int"},
		{`{"v":1,"op":"status","names":[{"x":1,"x":2}]}`, "json: cannot unmarshal object into Go struct field request.names of type string"},
	} {
		req, err := decodeRequest([]byte(tc.line))
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.line, err)
		case tc.err != "" && (err == nil || err.Error() != tc.err):
			t.Errorf("%s: got %+v, %v; want error %q", tc.line, req, err, tc.err)
		}
	}
}

// The server answers a smuggled key with a bad-request error and never
// calls the backend: before issue 14, the first of these stopped web.
func TestServerRefusesAmbiguousRequests(t *testing.T) {
	t.Parallel()
	f := newFake()
	_, path := serve(t, f, Options{})
	for _, tc := range []struct{ req, msg string }{
		{`{"v":1,"op":"status","op":"stop","names":["web"]}`, `cannot decode request: duplicate key "op"`},
		{`{"v":1,"op":"status","OP":"stop","names":["web"]}`, `cannot decode request: key "OP" must be spelled "op"`},
		{`{"v":1,"Op":"restart","Names":["web"]}`, `cannot decode request: key "Op" must be spelled "op"`},
		{`{"v":1,"op":"stop","names":["web"],"force":true}`, `cannot decode request: unknown key "force" (known: v, op, names, signal, n, follow, since)`},
		{`{"v":1,"op":"status"}{"v":1,"op":"stop","names":["web"]}`, "cannot decode request: trailing data after the request"},
	} {
		e := oneError(t, raw(t, path, []byte(tc.req+"\n")))
		if e.Code != CodeBadRequest || e.Message != tc.msg {
			t.Errorf("%s: got %s %q, want %s %q", tc.req, e.Code, e.Message, CodeBadRequest, tc.msg)
		}
	}
	if calls := f.Calls(); len(calls) != 0 {
		t.Errorf("an ambiguous request reached the backend: %q", calls)
	}
}

// FuzzDecodeRequest checks decodeRequest on arbitrary lines: it never
// panics; what it accepts is one valid JSON object whose keys are all
// known, that encoding/json (with unknown fields refused) reads the same
// way, and whose re-encoding is accepted again as the same request.
func FuzzDecodeRequest(f *testing.F) {
	for _, seed := range []string{
		`{"v":1,"op":"status"}`,
		`{"v":1,"op":"logs","names":["web"],"n":5,"follow":true}`,
		`{"v":1,"op":"signal","names":["web"],"signal":1}`,
		`{"v":1,"op":"status","op":"stop"}`,
		`{"v":1,"OP":"stop"}`,
		`{"v":1,"op":"status"} {}`,
		`{"v":1,"names":[["a"],{"b":[1,2]}]}`,
		`{"v":1e3,"n":-0.5,"follow":null}`,
		`{"\u006fp":"stop"}`,
		"{\"v\":1,\"op\":\"\xff\"}",
		`[]`, `null`, `{`, ``, `{"v":1,,}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		req, err := decodeRequest(line)
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("%q: empty error message", line)
			}
			return
		}
		if !json.Valid(line) {
			t.Fatalf("accepted invalid JSON %q", line)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("accepted %q, which is not an object: %v", line, err)
		}
		for k := range m {
			if !known(k) {
				t.Fatalf("accepted %q with key %q", line, k)
			}
		}
		var std request
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&std); err != nil {
			t.Fatalf("accepted %q, encoding/json refuses it: %v", line, err)
		}
		if !reflect.DeepEqual(&std, req) {
			t.Fatalf("%q: decoded %+v, encoding/json %+v", line, req, std)
		}
		again, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		// Compared encoded: omitempty turns "names":[] into no names.
		back, err := decodeRequest(again)
		if err != nil {
			t.Fatalf("%q re-encoded as %s is refused: %v", line, again, err)
		}
		if twice, _ := json.Marshal(back); !bytes.Equal(twice, again) {
			t.Fatalf("%q re-encoded as %s decodes to %+v, which encodes as %s", line, again, back, twice)
		}
	})
}
