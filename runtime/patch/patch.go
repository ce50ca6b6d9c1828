// Package patch sets managed keys in a user-owned configuration file and
// keeps everything else the user wrote byte for byte: comments, blank lines,
// key order, the quoting of untouched values, unknown keys, CRLF line endings
// and whether the file ends with a newline. It is the engine of the
// [[patch]] stage (issue 5) and does no I/O: the stage reads the file, calls
// Apply, and writes the result crash-safe with the file's owner and mode.
//
// Example: with config.ini holding
//
//	; mail settings
//	[mail]
//	host = old.example   ; set by the admin
//	from = app@example.com
//
// the call
//
//	out, changed, err := patch.Apply("ini", "config.ini", in,
//		[]patch.KV{{Key: "mail.host", Value: "smtp.example"}},
//		[]patch.KV{{Key: "app.secret", Value: "s3cr3t"}})
//
// returns changed = [mail.host app.secret] and out =
//
//	; mail settings
//	[mail]
//	host = smtp.example   ; set by the admin
//	from = app@example.com
//
//	[app]
//	secret = s3cr3t
//
// Keys per format (details in the doc of each format's file):
//
//   - ini and ini-raw: "section.key"; the FIRST dot splits, because keys with
//     dots are common (php.ini's "Session.session.save_path") and section
//     names with dots are rare: those are written "[mail.smtp]host". "key" or
//     ".key" addresses the top, sectionless part. ini reads and quotes values
//     as PHP does; ini-raw never quotes (crudini, Python's configparser).
//   - properties: the key is the whole name ("quarkus.http.port"), as Java's
//     Properties reads it; values are escaped as Properties.store writes.
//   - dotenv: the key is the variable name, taken literally ("app.key" is a
//     flat name; dotenv has no nesting).
//   - json, yaml: a dotted path into nested objects/mappings, "\." for a
//     literal dot in a name. json also indexes existing arrays ("a.0.b").
//
// A nil or empty input is an empty document (whether a missing file is
// allowed is the stage's decision). Input that does not parse is a
// *SyntaxError naming file and line; nothing is ever rebuilt from scratch.
package patch

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
)

// KV is one key to patch and its value, already expanded by the caller.
type KV struct {
	Key   string
	Value string
}

// The formats Apply accepts.
const (
	INI    = "ini"     // read and quoted as PHP's parse_ini_file does (ini.go)
	INIRaw = "ini-raw" // never quoted, as crudini and Python's configparser (ini_raw.go)
	Dotenv = "dotenv"
	JSON   = "json"
	YAML   = "yaml"
	// Properties is Java's .properties (properties.go).
	Properties = "properties"
)

// Formats lists the format names Apply accepts, for spec validation.
func Formats() []string { return []string{INI, INIRaw, Dotenv, JSON, YAML, Properties} }

// SyntaxError is input that does not parse. Error() reads
// "config.ini:7: cannot parse line: ...".
type SyntaxError struct {
	File string
	Line int // 1-based
	Msg  string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// lineError is a parser's error before Apply adds the file name.
type lineError struct {
	line int // 1-based
	msg  string
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

func errAt(line int, format string, args ...any) *lineError {
	return &lineError{line: line, msg: fmt.Sprintf(format, args...)}
}

// document is one parsed file. Each edit re-parses the spliced bytes, so no
// format has to keep offsets valid across edits (a 200-line INI file parses
// in microseconds; see BenchmarkApplyINI).
type document interface {
	// lookup returns the value a reader of the file sees at key.
	lookup(key string) (value string, found bool, err error)
	// assign returns the edits that make key read as value; none when it
	// already does.
	assign(key, value string) ([]splice, error)
}

type parser func(src []byte) (document, error)

// splice replaces src[start:end] with text.
type splice struct {
	start, end int
	text       string
}

// applySplices applies non-overlapping splices to a copy of src.
func applySplices(src []byte, sp []splice) []byte {
	sp = slices.Clone(sp)
	slices.SortFunc(sp, func(a, b splice) int { return a.start - b.start })
	out := make([]byte, 0, len(src)+64)
	at := 0
	for _, s := range sp {
		out = append(out, src[at:s.start]...)
		out = append(out, s.text...)
		at = s.end
	}
	return append(out, src[at:]...)
}

func parserFor(format string) (parser, error) {
	switch format {
	case INI:
		return parseINI, nil
	case INIRaw:
		return parseRawINI, nil
	case Properties:
		return parseProperties, nil
	case Dotenv:
		return parseDotenv, nil
	case JSON:
		return parseJSON, nil
	case YAML:
		return parseYAML, nil
	}
	return nil, fmt.Errorf("unknown patch format %q (want one of %v)", format, Formats())
}

// Apply returns in with every set key written and every defaults key written
// where it is absent or empty; changed lists the keys whose bytes changed,
// in the order applied (set first, then defaults). Applying the result again
// with the same arguments returns the same bytes and no changes.
//
// name is the file name used in errors. in is never modified; when
// nothing changed, out is in itself and there is nothing to write. Apply is
// pure and safe for concurrent use.
func Apply(format, name string, in []byte, set, defaults []KV) (out []byte, changed []string, err error) {
	parse, err := parserFor(format)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot patch %s: %w", name, err)
	}
	if i := strayCR(format, in); i >= 0 {
		// A CR alone ends a line for YAML and for some INI readers but not
		// for these line editors, which would misplace an edit (found by
		// FuzzINI and FuzzYAML). Say so instead of guessing.
		return nil, nil, &SyntaxError{File: name, Line: bytes.Count(in[:i], []byte("\n")) + 1,
			Msg: "cannot patch: a carriage return not followed by a line feed; save the file with LF or CRLF line ends"}
	}
	doc, err := parse(in)
	if err != nil {
		return nil, nil, withFile(name, err)
	}
	out = in
	step := func(kv KV, onlyEmpty bool) error {
		if onlyEmpty {
			cur, found, err := doc.lookup(kv.Key)
			if err != nil {
				return fmt.Errorf("%s: cannot set default %q: %w", name, kv.Key, err)
			}
			if found && cur != "" {
				return nil
			}
		}
		sp, err := doc.assign(kv.Key, kv.Value)
		if err != nil {
			return fmt.Errorf("%s: cannot set %q: %w", name, kv.Key, err)
		}
		if len(sp) == 0 {
			return nil
		}
		out = applySplices(out, sp)
		if doc, err = parse(out); err != nil {
			// Every edit must leave a parseable file; reaching this is a bug.
			return fmt.Errorf("%s: cannot re-parse after setting %q (a bug in appstart): %w", name, kv.Key, err)
		}
		if !slices.Contains(changed, kv.Key) {
			changed = append(changed, kv.Key)
		}
		return nil
	}
	for _, kv := range set {
		if err := step(kv, false); err != nil {
			return nil, nil, err
		}
	}
	for _, kv := range defaults {
		if err := step(kv, true); err != nil {
			return nil, nil, err
		}
	}
	return out, changed, nil
}

func withFile(name string, err error) error {
	var le *lineError
	if errors.As(err, &le) {
		return &SyntaxError{File: name, Line: le.line, Msg: le.msg}
	}
	return fmt.Errorf("%s: %w", name, err)
}

// strayCR is the offset of a carriage return the format's editor cannot
// place, or -1. YAML: any CR not followed by LF. INI: one that ends the
// file (the writer itself may quote a CR inside a value). JSON reads CR as
// blank space and dotenv may quote one: none.
func strayCR(format string, in []byte) int {
	switch format {
	case YAML, Properties:
		// Properties.load ends a line at a lone CR too.
		for i, c := range in {
			if c == '\r' && (i+1 == len(in) || in[i+1] != '\n') {
				return i
			}
		}
	case INI, INIRaw:
		if n := len(in); n > 0 && in[n-1] == '\r' {
			return n - 1
		}
	}
	return -1
}
