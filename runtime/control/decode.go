package control

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// requestKeys are the keys a request may hold, spelled exactly so.
var requestKeys = []string{"v", "op", "names", "signal", "n", "follow", "since"}

// decodeRequest decodes one request line strictly. encoding/json alone
// would take the last of duplicate keys and match keys regardless of case,
// so `{"op":"status","op":"stop"}` was a stop and `{"OP":"stop"}` one too
// (issue 14): what a reader of the line sees must be what the server does.
// A pre-pass over the tokens therefore refuses, before any decoding:
//
//	{"v":1,"op":"status","op":"stop"}   duplicate key "op"
//	{"v":1,"OP":"stop"}                 key "OP" must be spelled "op"
//	{"v":1,"op":"stop","name":"web"}    unknown key "name" (known: v, op, names, signal, n, follow)
//	{"v":1,"op":"status"} {"v":1}       trailing data after the request
//
// and json.Unmarshal then checks the types. Nested values are skipped
// whole (only names holds one, and it must be an array of strings).
func decodeRequest(line []byte) (*request, error) {
	if err := checkKeys(line); err != nil {
		return nil, err
	}
	var req request
	if err := json.Unmarshal(line, &req); err != nil {
		return nil, err
	}
	return &req, nil
}

// checkKeys is the strict pre-pass of decodeRequest.
func checkKeys(line []byte) error {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber() // numbers are only skipped here: no float rounding work
	t, err := dec.Token()
	if err != nil {
		return syntaxError(err)
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return errors.New("a request is a JSON object")
	}
	seen := make(map[string]bool, len(requestKeys))
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return syntaxError(err)
		}
		key, _ := t.(string) // inside an object, Token yields keys as strings
		if !known(key) {
			for _, k := range requestKeys {
				if strings.EqualFold(k, key) {
					return fmt.Errorf("key %q must be spelled %q", key, k)
				}
			}
			return fmt.Errorf("unknown key %q (known: %s)", key, strings.Join(requestKeys, ", "))
		}
		if seen[key] {
			return fmt.Errorf("duplicate key %q", key)
		}
		seen[key] = true
		if err := skipValue(dec); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return syntaxError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("trailing data after the request")
	}
	return nil
}

func known(key string) bool {
	for _, k := range requestKeys {
		if k == key {
			return true
		}
	}
	return false
}

// skipValue consumes one value, however deeply nested.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		t, err := dec.Token()
		if err != nil {
			return syntaxError(err)
		}
		if d, ok := t.(json.Delim); ok {
			switch d {
			case '{', '[':
				depth++
			default:
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}

// syntaxError words a truncated line as such: the decoder's io.EOF alone
// would read as "EOF".
func syntaxError(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("unexpected end of JSON input")
	}
	return err
}
