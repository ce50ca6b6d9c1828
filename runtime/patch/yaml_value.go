package patch

import (
	"bytes"
	"strings"
)

// value classifies the inline value of e, whose key line is e.line, and
// finds the entry's last line. For a nested mapping e.last is left at the
// mapping's first line for entry to parse.
func (d *yamlDoc) value(e *yamlEntry) error {
	i, n := e.line, e.indent
	end := d.ls[i].end
	rest := d.src[e.valStart:end]
	switch {
	case len(rest) == 0 || rest[0] == '#':
		e.valStart, e.valEnd = e.colon+1, e.colon+1
		j := d.skip(i + 1)
		switch {
		case j < len(d.ls) && d.ls[j].indent > n && !d.ls[j].tab:
			c := d.content(j)
			if c[0] == '?' && (len(c) == 1 || c[1] == ' ' || c[1] == '\t') {
				// A nested explicit key, not a folded scalar (FuzzYAML).
				return errAt(j+1, "cannot patch yaml: explicit keys (\"? key\") are not supported")
			}
			if isSeqItem(c) {
				e.kind, e.last = ySeq, d.regionEnd(i, n, true)
			} else if _, _, err := scanYAMLKey(c); err == nil {
				e.kind, e.last = yMap, j
			} else {
				e.kind, e.last, e.exact = yFolded, d.regionEnd(i, n, false), false
				e.value = string(bytes.TrimSpace(d.src[d.ls[i].next:d.ls[e.last].end]))
			}
		case j < len(d.ls) && d.ls[j].indent == n && isSeqItem(d.content(j)):
			e.kind, e.last = ySeq, d.regionEnd(i, n, true)
		default:
			e.kind = yNull
		}
		return nil
	case rest[0] == '|' || rest[0] == '>':
		return d.blockScalar(e, rest)
	case rest[0] == '"' || rest[0] == '\'':
		qend, ok := scanQuotedYAML(d.src, e.valStart)
		if !ok {
			return errAt(i+1, "cannot parse yaml: unterminated quoted value")
		}
		e.kind, e.valEnd = ySingle, qend
		if rest[0] == '"' {
			e.kind = yDouble
		}
		v, err := decodeQuotedYAML(d.src[e.valStart:qend])
		if err != nil {
			return errAt(i+1, "cannot parse yaml: %v", err)
		}
		e.value = v
		return d.afterValue(e)
	case rest[0] == '[' || rest[0] == '{':
		fend, ok := scanFlowYAML(d.src, e.valStart)
		if !ok {
			return errAt(i+1, "cannot parse yaml: unterminated flow collection")
		}
		e.kind, e.valEnd = yFlow, fend
		if f := d.src[e.valStart:fend]; bytes.Equal(bytes.Join(bytes.Fields(f), nil), []byte("{}")) {
			e.kind = yEmptyMap
		}
		e.value = string(d.src[e.valStart:fend])
		return d.afterValue(e)
	case rest[0] == '&' || rest[0] == '*' || rest[0] == '!':
		e.kind, e.exact = yAnchored, false
		e.last = d.regionEnd(i, n, true)
		e.valEnd = d.ls[e.last].end
		e.value = string(rest)
		return nil
	case bytes.IndexByte([]byte("%@`"), rest[0]) >= 0 || isSeqItem(rest) || rest[0] == '?' && (len(rest) == 1 || rest[1] == ' '):
		return errAt(i+1, "cannot parse yaml: a value cannot start with %q", rest[0])
	}
	return d.plainScalar(e)
}

// afterValue checks that only a comment follows the value that ends at
// e.valEnd, and sets e.last to its line.
func (d *yamlDoc) afterValue(e *yamlEntry) error {
	for e.last < len(d.ls)-1 && d.ls[e.last].next < e.valEnd {
		e.last++
	}
	rest := d.src[e.valEnd:d.ls[e.last].end]
	if len(rest) > 0 && rest[0] != ' ' && rest[0] != '\t' || !isCommentOrBlankYAML(rest) {
		return errAt(e.last+1, "cannot parse yaml: unexpected text %q after the value", bytes.TrimSpace(rest))
	}
	return nil
}

func (d *yamlDoc) plainScalar(e *yamlEntry) error {
	i, n := e.line, e.indent
	e.valEnd = d.plainEnd(e.valStart, d.ls[i].end)
	first := d.src[e.valStart:e.valEnd]
	if bytes.Contains(first, []byte(": ")) || bytes.Contains(first, []byte(":\t")) || bytes.HasSuffix(first, []byte(":")) {
		return errAt(i+1, "cannot parse yaml: a plain value cannot hold \": \" (quote it)")
	}
	e.kind, e.value = yPlain, string(first)
	if e.value == "~" || e.value == "null" || e.value == "Null" || e.value == "NULL" {
		e.kind, e.value = yNull, ""
	}
	// A plain scalar goes on over more indented lines until a comment.
	parts := []string{e.value}
	for j := i + 1; j < len(d.ls) && !d.ls[j].note; j++ {
		if d.ls[j].blank {
			parts = append(parts, "")
			continue
		}
		if d.ls[j].indent <= n {
			break
		}
		e.last = j
		s := d.ls[j].start + len(leadingSpace(d.text(j)))
		e.valEnd = d.plainEnd(s, d.ls[j].end)
		parts = append(parts, string(d.src[s:e.valEnd]))
	}
	if e.last > i {
		e.kind, e.value = yFolded, foldLines(parts[:e.last-i+1])
	}
	return nil
}

// plainEnd returns where a plain scalar starting at s ends on its line:
// before " #", trailing blanks trimmed.
func (d *yamlDoc) plainEnd(s, le int) int {
	end := le
	for p := s + 1; p < le; p++ {
		if d.src[p] == '#' && (d.src[p-1] == ' ' || d.src[p-1] == '\t') {
			end = p
			break
		}
	}
	for end > s && (d.src[end-1] == ' ' || d.src[end-1] == '\t') {
		end--
	}
	return end
}

// foldLines joins the lines of a multi-line scalar the YAML way: a line
// break is a space, each empty line in between a newline.
func foldLines(parts []string) string {
	var sb strings.Builder
	sb.WriteString(parts[0])
	empty := 0
	for _, p := range parts[1:] {
		if p == "" {
			empty++
			continue
		}
		if empty == 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(strings.Repeat("\n", empty))
		empty = 0
		sb.WriteString(p)
	}
	return sb.String()
}

func (d *yamlDoc) blockScalar(e *yamlEntry, header []byte) error {
	i, n := e.line, e.indent
	if !isBlockHeader(header) {
		return errAt(i+1, "cannot parse yaml: bad block scalar header %q", header)
	}
	e.kind, e.last = yBlock, i
	for j := i + 1; j < len(d.ls); j++ {
		if d.ls[j].blank {
			continue
		}
		if d.ls[j].indent <= n {
			break
		}
		e.last = j
	}
	h := string(bytes.TrimSpace(header))
	if strings.Contains(h, "+") {
		// Keep chomping: the blank lines after the text are part of it.
		for e.last+1 < len(d.ls) && d.ls[e.last+1].blank {
			e.last++
		}
	}
	e.valEnd = d.ls[e.last].end
	if h[0] == '>' || strings.ContainsAny(h, "+123456789") || e.last == i {
		e.exact, e.value = false, string(d.src[e.valStart:e.valEnd])
		return nil
	}
	// A literal block with clip or strip chomping: lines less the
	// indentation of the first one, joined by newlines.
	ind := -1
	var lines []string
	for j := i + 1; j <= e.last; j++ {
		t := d.text(j)
		if ind < 0 && !d.ls[j].blank {
			ind = d.ls[j].indent
		}
		if len(t) > ind && ind >= 0 {
			lines = append(lines, string(t[ind:]))
		} else {
			lines = append(lines, "")
		}
	}
	e.value = strings.Join(lines, "\n")
	if !strings.Contains(h, "-") {
		e.value += "\n"
	}
	return nil
}

// regionEnd returns the last line of a value that goes on over the lines
// indented deeper than n (and, with seq, "- " items at n).
func (d *yamlDoc) regionEnd(i, n int, seq bool) int {
	last := i
	for j := i + 1; j < len(d.ls); j++ {
		switch {
		case d.ls[j].blank || d.ls[j].note:
		case d.ls[j].indent > n, seq && d.ls[j].indent == n && isSeqItem(d.content(j)):
			last = j
		default:
			return last
		}
	}
	return last
}

// scanQuotedYAML returns the offset just past the quote closing the scalar
// that opens at b[at]: double quotes allow backslash escapes, single quotes
// are escaped by doubling them.
func scanQuotedYAML(b []byte, at int) (int, bool) {
	q := b[at]
	for p := at + 1; p < len(b); p++ {
		switch {
		case q == '"' && b[p] == '\\':
			p++
		case b[p] == q && q == '\'' && p+1 < len(b) && b[p+1] == '\'':
			p++
		case b[p] == q:
			return p + 1, true
		}
	}
	return 0, false
}

// scanFlowYAML returns the offset just past the bracket closing the flow
// collection that opens at b[at], skipping quoted scalars and comments.
func scanFlowYAML(b []byte, at int) (int, bool) {
	depth := 0
	for p := at; p < len(b); p++ {
		switch c := b[p]; {
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			if depth--; depth == 0 {
				return p + 1, true
			}
		case c == '"' || c == '\'':
			end, ok := scanQuotedYAML(b, p)
			if !ok {
				return 0, false
			}
			p = end - 1
		case c == '#' && (b[p-1] == ' ' || b[p-1] == '\t' || b[p-1] == '\n'):
			nl := bytes.IndexByte(b[p:], '\n')
			if nl < 0 {
				return 0, false
			}
			p += nl
		}
	}
	return 0, false
}
