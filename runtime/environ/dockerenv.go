package environ

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ParseDockerEnvFile reads Docker's --env-file format, for `appstart run
// --env-file` (issue 6), with Docker's rules (docker/cli pkg/kvfile):
//
//	# comment       lines starting with # (after leading blanks) and blank lines are skipped
//	KEY=value       the value is everything after the first =, kept as is:
//	                no quote removal, no escapes, trailing blanks kept
//	KEY             passes KEY through from lookup; omitted when lookup has no value
//
// Leading whitespace of a line is dropped, a BOM on the first line too,
// CRLF ends are accepted. A name may hold any byte but whitespace and "="
// (Docker leaves validation to the application). An empty name, a name
// with whitespace, invalid UTF-8 or a NUL byte is an error naming file and
// line; all are reported in one *Error (and no entries).
func ParseDockerEnvFile(file string, r io.Reader, lookup Lookup) ([]Entry, error) {
	var out []Entry
	var errs Error
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		fail := func(format string, args ...any) {
			errs.add(Problem{Key: file + ":" + strconv.Itoa(n), Msg: fmt.Sprintf(format, args...)})
		}
		b := sc.Bytes()
		if n == 1 {
			b = bytes.TrimPrefix(b, bom)
		}
		if !utf8.Valid(b) {
			fail("line is not valid UTF-8")
			continue
		}
		line := strings.TrimLeftFunc(string(b), unicode.IsSpace)
		if line == "" || line[0] == '#' {
			continue
		}
		name, value, hasValue := strings.Cut(line, "=")
		switch {
		case name == "":
			fail("no variable name before =")
			continue
		case strings.ContainsAny(name, " \t"):
			fail("variable name %q contains whitespace", name)
			continue
		case strings.IndexByte(line, 0) >= 0:
			fail("%s holds a NUL byte, which no environment variable can", name)
			continue
		}
		if !hasValue {
			v, ok := lookup(name)
			if !ok {
				continue
			}
			value = v
		}
		out = append(out, Entry{Name: name, Value: value, Line: n})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("cannot read env file %s: %w", file, err)
	}
	if err := errs.orNil(); err != nil {
		return nil, err
	}
	return out, nil
}
