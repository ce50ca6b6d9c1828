package spec

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// The table-shaped kinds: tables, arrays of tables, named tables,
// command steps and ordered NAME = "value" tables.

func (c *checker) subTable(path string, k *Key, v any, dst reflect.Value) {
	m, ok := v.(map[string]any)
	if !ok {
		if _, isList := asTables(v); isList {
			c.errorf(path, "want one table: write [%s], not [[%s]]", path, path)
		} else {
			c.errorf(path, "%s", want("a table such as "+k.Example, v))
		}
		return
	}
	if dst.Kind() == reflect.Pointer {
		dst.Set(reflect.New(dst.Type().Elem()))
		dst = dst.Elem()
	}
	c.table(path, m, k.Keys, dst)
}

// asTables accepts [[x]] blocks ([]map[string]any) and inline arrays of
// inline tables ([]any holding maps).
func asTables(v any) ([]map[string]any, bool) {
	switch l := v.(type) {
	case []map[string]any:
		return l, true
	case []any:
		out := make([]map[string]any, len(l))
		for i, e := range l {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, false
			}
			out[i] = m
		}
		return out, true
	}
	return nil, false
}

func (c *checker) tables(path string, k *Key, v any, dst reflect.Value) {
	list, ok := asTables(v)
	if !ok {
		if _, isTable := v.(map[string]any); isTable {
			c.errorf(path, "want an array of tables: write [[%s]], not [%s]", path, path)
		} else {
			c.errorf(path, "%s: write [[%s]] blocks", want("an array of tables", v), path)
		}
		return
	}
	sl := reflect.MakeSlice(dst.Type(), len(list), len(list))
	for i, m := range list {
		c.table(indexKey(path, i+1), m, k.Keys, sl.Index(i))
	}
	dst.Set(sl)
}

// named decodes [programs.NAME] tables into a slice sorted by name.
func (c *checker) named(path string, k *Key, v any, dst reflect.Value) {
	m, ok := v.(map[string]any)
	if !ok {
		c.errorf(path, "%s", want(fmt.Sprintf("tables such as [%s.web]", path), v))
		return
	}
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	slices.Sort(names)
	sl := reflect.MakeSlice(dst.Type(), 0, len(names))
	for _, name := range names {
		np := joinKey(path, name)
		sub, ok := m[name].(map[string]any)
		if !ok {
			c.errorAt(np, path, fmt.Sprintf("%q is not a table: each entry is a table [%s.NAME] holding %s",
				name, path, k.Keys[0].Name+" = ..."))
			continue
		}
		if msg := programNameMsg(name); msg != "" {
			c.errorAt(np, path, msg)
		}
		el := reflect.New(dst.Type().Elem()).Elem()
		el.FieldByName(k.nameField).SetString(name)
		c.table(np, sub, k.Keys, el)
		sl = reflect.Append(sl, el)
	}
	dst.Set(sl)
}

// steps decodes first_run/on_upgrade commands: each element an argv array
// or a table {command = ..., creates = ..., user = ..., when = ...}.
func (c *checker) steps(path string, k *Key, v any, dst reflect.Value) {
	var list []any
	switch l := v.(type) {
	case []any:
		list = l
	case []map[string]any: // [[first_run.commands]] blocks
		for _, m := range l {
			list = append(list, m)
		}
	default:
		c.errorf(path, "%s", want(`an array of commands such as [["/app/pkg/install.sh"], ["php", "artisan", "migrate"]]`, v))
		return
	}
	if len(list) == 0 {
		c.errorf(path, `empty: list at least one command, such as [["/app/pkg/install.sh"]]`)
		return
	}
	out := make([]Step, len(list))
	for i, e := range list {
		ep := indexKey(path, i+1)
		switch e := e.(type) {
		case []any:
			cmd, iss := convCommand(e)
			c.report(ep, iss)
			if iss == nil {
				out[i].Command = cmd.(Command)
			}
		case map[string]any:
			c.table(ep, e, k.Keys, reflect.ValueOf(&out[i]).Elem())
		case string:
			c.errorf(ep, `want a command array: write [%q] (each command is an array of its arguments), or { command = %q } for a shell line`, e, e)
		default:
			c.errorf(ep, "%s", want(`a command such as ["php", "artisan", "migrate"]`, e))
		}
	}
	dst.Set(reflect.ValueOf(out))
}

// pairs decodes an [env]-like table into Pairs in written order. Patch
// keys may be written nested (set = { mail.host = "x" } is a table mail
// holding host); they are flattened to the dotted path "mail.host".
func (c *checker) pairs(path string, k *Key, v any, dst reflect.Value) {
	m, ok := v.(map[string]any)
	if !ok {
		c.errorf(path, "%s", want("a table such as "+k.Example, v))
		return
	}
	var out []Pair
	var walk func(tpath, prefix string, m map[string]any)
	walk = func(tpath, prefix string, m map[string]any) {
		for _, name := range c.order(tpath, m) {
			kp := joinKey(tpath, name)
			switch val := m[name].(type) {
			case string:
				if k.Kind == KindEnv && !IsEnvName(name) {
					c.errorf(kp, "%s", envNameMsg(name))
					continue
				}
				// A leading "." is ini's top part (".key"): Patch.checkKey
				// judges it, knowing the format.
				if k.Kind == KindPatchKeys && (name == "" || name == "." || strings.HasSuffix(name, ".")) {
					c.errorf(kp, `%q is not a key path: write "section.key" or "a.b.c"`, prefix+name)
					continue
				}
				out = append(out, Pair{Name: prefix + name, Value: val})
			case map[string]any:
				if k.Kind == KindPatchKeys {
					walk(kp, prefix+name+".", val)
					continue
				}
				example := name
				if sub := c.order(kp, val); len(sub) > 0 {
					example += "_" + sub[0]
				}
				c.errorf(kp, `want a string, not a table: a dotted name makes a table in TOML; variable names use _ (e.g. %q)`,
					fixEnvName(example))
			default:
				if s, isScalar := scalarText(val); isScalar {
					c.errorf(kp, "want a string, not %s: write %s = %q", describe(val), keyText(name), s)
				} else {
					c.errorf(kp, "want a string, not %s", describe(val))
				}
			}
		}
	}
	walk(path, "", m)
	dst.Set(reflect.ValueOf(out))
}

// scalarText is an integer or boolean as the string it should have been.
func scalarText(v any) (string, bool) {
	switch v.(type) {
	case int64, bool, float64:
		return fmt.Sprint(v), true
	}
	return "", false
}

func keyText(name string) string {
	if isBareKey(name) {
		return name
	}
	return fmt.Sprintf("%q", name)
}

// programNameMsg checks a program or task name: it appears in log
// prefixes and in "web:2" instance names, so it is kept simple.
func programNameMsg(name string) string {
	ok := name != "" && isBareByte(name[0]) && name[0] != '-'
	for i := 0; i < len(name) && ok; i++ {
		ok = isBareByte(name[i]) || name[i] == '.'
	}
	if !ok {
		return fmt.Sprintf(`%q is not a valid name: use letters, digits, "_", "-" and "." (":" is kept for instances such as "web:2")`, name)
	}
	return ""
}

func convPrograms(v any) (any, []issue) {
	return eachString(v, "program names", func(n string, prev []string) string {
		if msg := programNameMsg(n); msg != "" {
			return msg
		}
		return twice(n, prev)
	})
}
