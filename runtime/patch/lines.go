package patch

import (
	"bytes"
	"strings"
)

// line is one physical line of a file: src[start:end] is its text without
// the line ending, next is where the following line starts.
type line struct {
	start, end, next int
}

const bom = "\xef\xbb\xbf"

// splitLines cuts src into lines. A UTF-8 byte order mark is kept out of the
// first line's text so parsers never see it (and inserts at the top of the
// file land after it).
func splitLines(src []byte) []line {
	var ls []line
	at := 0
	if bytes.HasPrefix(src, []byte(bom)) {
		at = len(bom)
	}
	for at < len(src) {
		nl := bytes.IndexByte(src[at:], '\n')
		if nl < 0 {
			// A CR at the very end is half a CRLF: appending after it
			// completes it, so it must not be part of the line's text.
			end := len(src)
			if end > at && src[end-1] == '\r' {
				end--
			}
			ls = append(ls, line{start: at, end: end, next: len(src)})
			break
		}
		end := at + nl
		next := end + 1
		if end > at && src[end-1] == '\r' {
			end--
		}
		ls = append(ls, line{start: at, end: end, next: next})
		at = next
	}
	return ls
}

// eolOf returns the line ending new lines get: CRLF when the file's first
// line ends in CRLF, LF otherwise (and for an empty or one-line file).
func eolOf(src []byte) string {
	nl := bytes.IndexByte(src, '\n')
	if nl > 0 && src[nl-1] == '\r' {
		return "\r\n"
	}
	return "\n"
}

// insertLines returns the splice that puts lines at offset at, which is the
// start of a line or len(src). Appending to a file that does not end in a
// newline keeps it that way: the separator goes before the new lines.
func insertLines(src []byte, at int, lines []string, eol string) splice {
	if at == len(src) && len(src) > 0 && src[len(src)-1] != '\n' {
		return splice{start: at, end: at, text: eol + strings.Join(lines, eol)}
	}
	return splice{start: at, end: at, text: strings.Join(lines, eol) + eol}
}

// leadingSpace returns the spaces and tabs b starts with.
func leadingSpace(b []byte) []byte {
	return b[:len(b)-len(bytes.TrimLeft(b, " \t"))]
}

// lineNumber returns the 1-based line holding offset off.
func lineNumber(src []byte, off int) int {
	return bytes.Count(src[:min(off, len(src))], []byte("\n")) + 1
}
