package schema

import "appstart/runtime/spec"

// Patterns of the string kinds. They are ECMA-262 regular expressions
// (what JSON Schema uses) written in the subset RE2 reads too (no
// look-arounds, no backreferences), so the tests can check them with Go's
// regexp. Each is at most as strict as the spec's own check: a value the
// spec accepts must never be marked as an error in the editor.
const (
	// noExpr: a path with no ${ (paths are not expanded).
	noExpr  = `([^$]|\$[^{])*\$?`
	patPath = `^/` + noExpr + `$`
	// patWritable: /run, /tmp, /app/data, or a persistent directory of the
	// manifest or the spec's writable, which the schema cannot know (check
	// judges it): somewhere outside the system directories.
	patWritable  = `^/(run|tmp|app|var|home|srv|opt|mnt|data)(/` + noExpr + `)?$`
	patRemove    = `^/(run|tmp|app/data)/.+$`
	patEnvName   = `^[A-Za-z_][A-Za-z0-9_]*$`
	patProgram   = `^[A-Za-z0-9_][A-Za-z0-9_.-]*$`
	patMode      = `^0?[0-7]{3,4}$`
	patDuration  = `^(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$`
	patSize      = `^\s*[0-9]+(\.[0-9]+)?\s*[kKmMgGtT]?([iI]?[bB])?\s*$`
	patSignal    = `^([Ss][Ii][Gg])?[A-Za-z0-9+]+$`
	account      = `[A-Za-z0-9_.]([A-Za-z0-9_.-]{0,30}[A-Za-z0-9_.$-])?`
	patOwner     = `^` + account + `(:` + account + `)?$`
	patCond      = `^([A-Za-z_][A-Za-z0-9_]*|exists:/.*)$`
	patCron      = `^\s*(@[A-Za-z]+|\S+(\s+\S+){4})\s*$`
	patInstances = `^\s*([0-9]+|\$\{[A-Za-z_][A-Za-z0-9_]*([:|-].*)?\})\s*$`
	patURL       = `^http://[^/?#]+`
	patAddr      = `^(tcp://)?.+:[0-9]+$`
	patNonBlank  = `\S`
)

// commonSignals are offered for completion; any other name the kernel
// knows is accepted too.
var commonSignals = []string{"TERM", "INT", "QUIT", "HUP", "USR1", "USR2", "WINCH", "KILL"}

func str(pattern string) *object {
	o := newObject().set("type", "string")
	if pattern != "" {
		o.set("pattern", pattern)
	}
	return o
}

func arrayOf(items *object, unique bool) *object {
	o := newObject().set("type", "array").set("items", items)
	if unique {
		o.set("uniqueItems", true)
	}
	return o
}

func anyOf(alts ...*object) *object { return newObject().set("anyOf", alts) }

func signal() *object {
	return anyOf(newObject().set("enum", commonSignals), str(patSignal))
}

func argv() *object {
	return newObject().set("type", "array").set("items", str("")).set("minItems", 1)
}

func command() *object {
	return anyOf(argv(), str(patNonBlank))
}

// kindSchema is the schema of one key's value, without its description.
func kindSchema(k spec.Key) *object {
	switch k.Kind {
	case spec.KindString, spec.KindReady:
		if k.Kind == spec.KindReady {
			return str(patNonBlank)
		}
		return str("")
	case spec.KindBool:
		return newObject().set("type", "boolean")
	case spec.KindInt:
		max := 1 << 31
		if k.Max > 0 {
			max = k.Max
		}
		return newObject().set("type", "integer").set("minimum", k.Min).set("maximum", max)
	case spec.KindSeconds:
		return anyOf(newObject().set("type", "integer").set("minimum", 0).set("maximum", 1<<31), str(patDuration))
	case spec.KindDuration:
		return str(patDuration)
	case spec.KindMode:
		return str(patMode)
	case spec.KindSize:
		return anyOf(newObject().set("type", "integer").set("minimum", 1), str(patSize))
	case spec.KindSignal:
		return signal()
	case spec.KindSignals:
		return arrayOf(signal(), false)
	case spec.KindOwner:
		return str(patOwner)
	case spec.KindCond:
		return str(patCond)
	case spec.KindPath:
		return str(patPath)
	case spec.KindWritable:
		return str(patWritable)
	case spec.KindPaths:
		return arrayOf(str(patPath), false)
	case spec.KindRemove:
		return arrayOf(str(patRemove), false)
	case spec.KindRoots:
		return arrayOf(str(patPath), true)
	case spec.KindEnvName:
		return str(patEnvName)
	case spec.KindEnvNames:
		return arrayOf(str(patEnvName), true)
	case spec.KindPrograms:
		return arrayOf(str(patProgram), true)
	case spec.KindEnum:
		return newObject().set("type", "string").set("enum", k.Enum)
	case spec.KindCommand:
		return command()
	case spec.KindSteps:
		return newObject().set("type", "array").set("minItems", 1).
			set("items", anyOf(argv(), table(k.Keys)))
	case spec.KindEnv:
		return newObject().set("type", "object").
			set("propertyNames", str(patEnvName)).
			set("additionalProperties", str(""))
	case spec.KindPatchKeys:
		return newObject().set("$ref", "#/definitions/patch_keys")
	case spec.KindExitCodes:
		return newObject().set("type", "array").set("minItems", 1).
			set("items", newObject().set("type", "integer").set("minimum", 0).set("maximum", 255))
	case spec.KindCron:
		return str(patCron)
	case spec.KindInstances:
		return anyOf(newObject().set("type", "integer").set("minimum", 1).set("maximum", spec.MaxInstances), str(patInstances))
	case spec.KindURL:
		return str(patURL)
	case spec.KindAddr:
		return str(patAddr)
	case spec.KindTable:
		return table(k.Keys)
	case spec.KindTables:
		return newObject().set("type", "array").set("items", table(k.Keys))
	case spec.KindNamed:
		return newObject().set("type", "object").
			set("propertyNames", str(patProgram)).
			set("additionalProperties", table(k.Keys))
	}
	// A kind added to the spec without a schema here accepts anything
	// (never a false error); TestEveryKind fails until it is given one.
	return newObject()
}

// patchKeys is the recursive shape of a patch's set/defaults: a dotted
// key = "value", or a nested table of the same (mail = { host = "x" }).
func patchKeys() *object {
	return newObject().set("type", "object").
		set("description", `keys by dotted path ("section.key" = "value"), or nested tables of them`).
		set("additionalProperties", anyOf(str(""), newObject().set("$ref", "#/definitions/patch_keys")))
}
