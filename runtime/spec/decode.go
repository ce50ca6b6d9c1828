package spec

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// The decoder walks the document decoded by BurntSushi/toml into plain
// maps, against the key table: each value is converted to its Go type and
// stored in the struct field the key names, defaults fill absent keys, and
// every problem is collected rather than stopping at the first (decoding
// straight into structs would stop at the first wrong type).

// issue is one problem with a value; elem > 0 points at that element of an
// array (counting from 1), so the problem gets the element's own line.
type issue struct {
	elem int
	msg  string
}

func one(v any, msg string) (any, []issue) {
	if msg != "" {
		return nil, []issue{{0, msg}}
	}
	return v, nil
}

// checker collects the problems of one file; decode and the checks of
// each struct report through it.
type checker struct {
	file    string
	at      map[string]pos  // key path -> where it is written
	written map[string]bool // key paths present in the document
	bad     map[string]bool // key paths whose value was refused
	user    string          // the resolved top-level user, for owner defaults
	roots   []string        // where a writable path may be (Spec.WritableRoots)
	probs   []Problem
	warns   []Problem
}

// line finds where key (or, failing that, its nearest written parent) is.
func (c *checker) line(key string) int {
	for k := key; ; k = parentKey(k) {
		if p, ok := c.at[k]; ok {
			return p.line
		}
		if k == "" {
			return 0
		}
	}
}

// parentKey strips the last segment of a key path, minding quoted
// segments that hold dots: patch[1].set."a.b" -> patch[1].set.
func parentKey(k string) string {
	cut, inQuote := 0, false
	for i := 0; i < len(k); i++ {
		switch c := k[i]; {
		case c == '\\' && inQuote:
			i++
		case c == '"':
			inQuote = !inQuote
		case !inQuote && (c == '.' || c == '['):
			cut = i
		}
	}
	return k[:cut]
}

func (c *checker) errorf(key, format string, args ...any) {
	c.probs = append(c.probs, Problem{File: c.file, Line: c.line(key), Key: key, Msg: fmt.Sprintf(format, args...)})
}

// errorAt reports a problem about key, placed on the line of lineKey.
func (c *checker) errorAt(lineKey, key, msg string) {
	c.probs = append(c.probs, Problem{File: c.file, Line: c.line(lineKey), Key: key, Msg: msg})
}

func (c *checker) warnf(key, format string, args ...any) {
	c.warns = append(c.warns, Problem{File: c.file, Line: c.line(key), Key: key, Msg: fmt.Sprintf(format, args...)})
}

// order returns the keys of raw (the table at path) in written order.
func (c *checker) order(path string, raw map[string]any) []string {
	names := make([]string, 0, len(raw))
	for n := range raw {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		pa, oka := c.at[joinKey(path, a)]
		pb, okb := c.at[joinKey(path, b)]
		if oka != okb {
			if oka {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(pa.line, pb.line), cmp.Compare(pa.col, pb.col), cmp.Compare(a, b))
	})
	return names
}

// table decodes raw, the table at path, into the struct dst.
func (c *checker) table(path string, raw map[string]any, keys []Key, dst reflect.Value) {
	suggested := map[string]bool{}
	for _, name := range c.order(path, raw) {
		kp := joinKey(path, name)
		k := findKey(keys, name)
		if k == nil {
			suggested[c.unknown(path, name, keys)] = true
			continue
		}
		c.written[kp] = true
		c.value(kp, k, raw[name], dst.FieldByName(k.field))
	}
	for i := range keys {
		k := &keys[i]
		if _, ok := raw[k.Name]; ok {
			continue
		}
		switch {
		case k.Required && suggested[k.Name]:
			// "comand" was reported with "did you mean command?"
		case k.Required:
			c.errorAt(path, path, fmt.Sprintf("missing key %q: add %s = %s", k.Name, k.Name, k.Example))
		case k.Default != nil:
			c.value(joinKey(path, k.Name), k, k.Default, dst.FieldByName(k.field))
		}
	}
}

// unknown reports an unknown key and returns the key it suggested, if any.
func (c *checker) unknown(path, name string, keys []Key) string {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k.Name
	}
	msg := fmt.Sprintf("unknown key %q", name)
	near := nearest(name, names)
	switch {
	case near != "":
		msg += fmt.Sprintf(", did you mean %q?", near)
	case path != "" && findKey(topKeys, name) != nil:
		msg += " here: a top-level key must be written before the first [table] header"
	default:
		msg += " (known keys: " + strings.Join(names, ", ") + ")"
	}
	c.errorAt(joinKey(path, name), path, msg)
	return near
}

// given reports whether key was written with a valid value, so a check
// across keys does not repeat a problem already reported.
func (c *checker) given(key string) bool { return c.written[key] && !c.bad[key] }

func (c *checker) report(path string, iss []issue) {
	if len(iss) > 0 {
		c.bad[path] = true
	}
	for _, is := range iss {
		key := path
		if is.elem > 0 {
			key = indexKey(path, is.elem)
		}
		c.errorf(key, "%s", is.msg)
	}
}

// value converts v for key k at path and stores it in dst.
func (c *checker) value(path string, k *Key, v any, dst reflect.Value) {
	switch k.Kind {
	case KindTable:
		c.subTable(path, k, v, dst)
	case KindTables:
		c.tables(path, k, v, dst)
	case KindNamed:
		c.named(path, k, v, dst)
	case KindSteps:
		c.steps(path, k, v, dst)
	case KindEnv, KindPatchKeys:
		c.pairs(path, k, v, dst)
	default:
		var val any
		var iss []issue
		if k.Kind == KindWritable {
			val, iss = one(convWritable(v, c.roots))
		} else {
			val, iss = convert(k, v)
		}
		if iss != nil {
			c.report(path, iss)
			return
		}
		rv := reflect.ValueOf(val)
		if rv.Type() != dst.Type() {
			rv = rv.Convert(dst.Type()) // typed enums: Encoding, Escape...
		}
		dst.Set(rv)
	}
}

func convert(k *Key, v any) (any, []issue) {
	switch k.Kind {
	case KindString:
		return one(toString(v, "a string"))
	case KindBool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return one(nil, want("true or false", v))
	case KindInt:
		return one(convInt(v, k.Min, k.Max))
	case KindSeconds:
		return one(convSeconds(v))
	case KindDuration:
		return one(convDuration(v))
	case KindMode:
		return one(convMode(v))
	case KindSize:
		return one(convSize(v))
	case KindSignal:
		return one(convSignal(v))
	case KindSignals:
		return convSignals(v)
	case KindOwner:
		return one(convOwner(v))
	case KindCond:
		return one(convCond(v))
	case KindPath:
		return one(convPath(v))
	case KindWritable:
		return one(convWritable(v, DefaultWritable))
	case KindRoots:
		return convRoots(v)
	case KindPaths:
		return convPaths(v)
	case KindRemove:
		return convRemove(v)
	case KindEnvName:
		return one(convEnvName(v))
	case KindEnvNames:
		return convEnvNames(v)
	case KindPrograms:
		return convPrograms(v)
	case KindEnum:
		return one(convEnum(k, v))
	case KindCommand:
		return convCommand(v)
	case KindExitCodes:
		return convExitCodes(v)
	case KindReady:
		return one(convReady(v))
	case KindCron:
		return one(convCron(v))
	case KindInstances:
		return one(convInstances(v))
	case KindURL:
		return one(convURL(v))
	case KindAddr:
		return one(convAddr(v))
	}
	panic(fmt.Sprintf("spec: key %q has kind %v, which convert does not handle", k.Name, k.Kind))
}
