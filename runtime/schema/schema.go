package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"appstart/runtime/spec"
)

// Draft is the JSON Schema dialect of the generated schema.
const Draft = "http://json-schema.org/draft-07/schema#"

// Generate returns the JSON Schema of appstart.toml, indented, ending in a
// newline; the output depends only on spec.KnownKeys, so it is the same on
// every run:
//
//	os.Stdout.Write(schema.Generate())
//	// {
//	//   "$schema": "http://json-schema.org/draft-07/schema#",
//	//   "title": "appstart.toml",
//	//   ...
//	//   "properties": {
//	//     "user": {
//	//       "description": "default user for commands and programs (\"user\" or \"user:group\") (default: \"cloudron\")",
//	//       "type": "string",
//	//       "pattern": "^...$",
//	//       "default": "cloudron",
//	//       "examples": ["cloudron"]
//	//     },
//	//     ...
func Generate() []byte {
	root := table(spec.KnownKeys())
	doc := newObject().
		set("$schema", Draft).
		set("title", "appstart.toml").
		set("description", "The start-up spec of a Cloudron app package run by appstart: stages (env, dirs, seed, secrets, "+
			"workers, templates, patch, chown, first_run, on_upgrade, on_start) and supervised programs. "+
			"Generated from the spec's key table by `go run ./runtime/schema/gen`; `appstart check` is the authority.")
	for _, k := range root.keys {
		doc.set(k, root.vals[k])
	}
	doc.set("definitions", newObject().set("patch_keys", patchKeys()))
	b, err := marshal(doc)
	if err != nil {
		panic(fmt.Sprintf("cannot marshal the schema: %v", err)) // only plain values are in it
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		panic(fmt.Sprintf("cannot indent the schema: %v", err))
	}
	out.WriteByte('\n')
	return out.Bytes()
}

// table is the schema of a TOML table holding keys: strict, as the spec's
// decoder is, with the required keys listed (and offered first by Taplo).
func table(keys []spec.Key) *object {
	props := newObject()
	var required []string
	for _, k := range keys {
		props.set(k.Name, property(k))
		if k.Required {
			required = append(required, k.Name)
		}
	}
	o := newObject().set("type", "object").set("properties", props).set("additionalProperties", false)
	if required != nil {
		o.set("required", required)
		o.set("x-taplo", newObject().set("initKeys", required))
	}
	return o
}

// property is one key's schema with its description, default and example.
func property(k spec.Key) *object {
	o := newObject().set("description", description(k))
	s := kindSchema(k)
	for _, name := range s.keys {
		o.set(name, s.vals[name])
	}
	if k.Default != nil {
		o.set("default", k.Default)
	}
	if ex, ok := exampleJSON(k.Example); ok {
		o.set("examples", []json.RawMessage{ex})
	}
	return o
}

func description(k spec.Key) string {
	d := k.Doc
	switch {
	case k.Required:
		d += " (required)"
	case k.Default != nil:
		d += " (default: " + tomlText(k.Default) + ")"
	case k.DefaultDoc != "":
		d += " (default: " + k.DefaultDoc + ")"
	}
	return d
}

// tomlText writes a default as it would be written in appstart.toml.
func tomlText(v any) string {
	switch v := v.(type) {
	case string:
		b, _ := marshal(v)
		return string(b)
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = tomlText(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}
