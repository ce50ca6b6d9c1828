package schema

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// A small JSON Schema validator for exactly the keywords Generate emits,
// so the tests need no new module. A keyword it does not know is itself an
// error: the generator cannot start emitting something these tests would
// silently skip.

var assertions = map[string]bool{
	"type": true, "properties": true, "additionalProperties": true, "required": true,
	"propertyNames": true, "enum": true, "pattern": true, "minimum": true, "maximum": true,
	"items": true, "minItems": true, "uniqueItems": true, "anyOf": true, "$ref": true,
}

var annotations = map[string]bool{
	"$schema": true, "title": true, "description": true, "default": true, "examples": true,
	"definitions": true, "x-taplo": true,
}

type validator struct {
	root     map[string]any
	patterns map[string]*regexp.Regexp
}

func newValidator(schemaJSON []byte) (*validator, error) {
	var root map[string]any
	if err := json.Unmarshal(schemaJSON, &root); err != nil {
		return nil, fmt.Errorf("cannot read schema: %w", err)
	}
	return &validator{root: root, patterns: map[string]*regexp.Regexp{}}, nil
}

// validate returns every violation in doc, one "path: message" each, sorted.
func (v *validator) validate(doc any) []string {
	var errs []string
	v.check(v.root, doc, "", &errs)
	sort.Strings(errs)
	return errs
}

func at(path string) string {
	if path == "" {
		return "(top)"
	}
	return path
}

func (v *validator) check(s map[string]any, val any, path string, errs *[]string) {
	fail := func(format string, args ...any) {
		*errs = append(*errs, at(path)+": "+fmt.Sprintf(format, args...))
	}
	for k := range s {
		if !assertions[k] && !annotations[k] {
			fail("schema uses keyword %q, which the test validator does not know", k)
		}
	}
	if ref, ok := s["$ref"].(string); ok {
		name, found := strings.CutPrefix(ref, "#/definitions/")
		defs, _ := v.root["definitions"].(map[string]any)
		target, _ := defs[name].(map[string]any)
		if !found || target == nil {
			fail("unresolvable $ref %q", ref)
			return
		}
		v.check(target, val, path, errs)
	}
	if alts, ok := s["anyOf"].([]any); ok {
		matched := false
		var sub []string
		for _, a := range alts {
			var e []string
			v.check(a.(map[string]any), val, path, &e)
			if len(e) == 0 {
				matched = true
				break
			}
			sub = append(sub, e...)
		}
		if !matched {
			fail("matches none of anyOf: %s", strings.Join(sub, "; "))
		}
	}
	if t, ok := s["type"].(string); ok && !hasType(val, t) {
		fail("want %s, not %s", t, jsonType(val))
		return
	}
	if enum, ok := s["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return equal(e, val) }) {
		fail("%v is not one of %v", val, enum)
	}
	if p, ok := s["pattern"].(string); ok {
		if str, isStr := val.(string); isStr && !v.re(p).MatchString(str) {
			fail("%q does not match %s", str, p)
		}
	}
	if n, isNum := number(val); isNum {
		if min, ok := s["minimum"].(float64); ok && n < min {
			fail("%v is less than %v", n, min)
		}
		if max, ok := s["maximum"].(float64); ok && n > max {
			fail("%v is more than %v", n, max)
		}
	}
	if m, ok := val.(map[string]any); ok {
		v.object(s, m, path, errs)
	}
	if arr, ok := asArray(val); ok {
		if min, ok := s["minItems"].(float64); ok && float64(len(arr)) < min {
			fail("has %d items, want at least %v", len(arr), min)
		}
		if s["uniqueItems"] == true {
			for i := range arr {
				for j := 0; j < i; j++ {
					if equal(arr[i], arr[j]) {
						fail("items %d and %d are equal", j+1, i+1)
					}
				}
			}
		}
		if items, ok := s["items"].(map[string]any); ok {
			for i, e := range arr {
				v.check(items, e, path+"["+strconv.Itoa(i+1)+"]", errs)
			}
		}
	}
}

func (v *validator) object(s map[string]any, m map[string]any, path string, errs *[]string) {
	props, _ := s["properties"].(map[string]any)
	if req, ok := s["required"].([]any); ok {
		for _, r := range req {
			if _, has := m[r.(string)]; !has {
				*errs = append(*errs, fmt.Sprintf("%s: missing required key %q", at(path), r))
			}
		}
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		kp := k
		if path != "" {
			kp = path + "." + k
		}
		if pn, ok := s["propertyNames"].(map[string]any); ok {
			v.check(pn, k, kp, errs)
		}
		if ps, ok := props[k].(map[string]any); ok {
			v.check(ps, m[k], kp, errs)
			continue
		}
		switch ap := s["additionalProperties"].(type) {
		case bool:
			if !ap {
				*errs = append(*errs, fmt.Sprintf("%s: unknown key %q", at(path), k))
			}
		case map[string]any:
			v.check(ap, m[k], kp, errs)
		}
	}
}

func (v *validator) re(p string) *regexp.Regexp {
	if r, ok := v.patterns[p]; ok {
		return r
	}
	r := regexp.MustCompile(p)
	v.patterns[p] = r
	return r
}

// asArray accepts TOML arrays and [[tables]] as BurntSushi/toml decodes
// them.
func asArray(val any) ([]any, bool) {
	switch a := val.(type) {
	case []any:
		return a, true
	case []map[string]any:
		out := make([]any, len(a))
		for i, m := range a {
			out[i] = m
		}
		return out, true
	}
	return nil, false
}

func number(val any) (float64, bool) {
	switch n := val.(type) {
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

func hasType(val any, t string) bool {
	switch t {
	case "string":
		_, ok := val.(string)
		return ok
	case "boolean":
		_, ok := val.(bool)
		return ok
	case "integer":
		n, ok := number(val)
		return ok && n == float64(int64(n))
	case "number":
		_, ok := number(val)
		return ok
	case "object":
		_, ok := val.(map[string]any)
		return ok
	case "array":
		_, ok := asArray(val)
		return ok
	}
	return false
}

func jsonType(val any) string {
	for _, t := range []string{"string", "boolean", "integer", "number", "object", "array"} {
		if hasType(val, t) {
			return t
		}
	}
	return fmt.Sprintf("%T", val)
}

// equal compares a JSON-decoded schema value with a TOML-decoded one
// (float64 against int64).
func equal(a, b any) bool {
	if x, ok := number(a); ok {
		y, ok := number(b)
		return ok && x == y
	}
	return reflect.DeepEqual(a, b)
}
