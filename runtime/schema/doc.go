// Package schema generates the JSON Schema of appstart.toml from the spec
// package's key table (spec.KnownKeys), so that editors (Taplo / Even
// Better TOML) complete and check keys while a package author types.
//
// The key table is the single source of truth: each key's kind becomes a
// JSON type with a pattern or enum, its Doc and default become the
// description, its Example becomes "examples", and every table the spec
// decodes strictly gets "additionalProperties": false. The schema is
// draft-07, the newest draft Taplo's validator (jsonschema-rs 0.17) reads
// completely; `$ref` is used only for the one recursive shape (nested patch
// keys), since draft-07 ignores the siblings of a $ref.
//
// The schema may be looser than `appstart check` (it cannot say that a
// mode gives its owner no access, or that `after` names a program that
// does not exist) but never stricter: a test feeds every value the spec
// accepts through the schema. A package points its editor at the checked-in
// file with a first line such as
//
//	#:schema ../../appstart.schema.json
//
// and regenerates it with
//
//	go run ./runtime/schema/gen > appstart.schema.json
package schema
