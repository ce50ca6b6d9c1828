package convert

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The INI dialect supervisord reads: Python 3's RawConfigParser as
// supervisor 4 configures it (options.py, UnhosedConfigParser):
// inline_comment_prefixes=(';', '#') and strict=False. So, as there:
//   - a line whose first non-blank character is ; or # is a comment;
//   - ; or # preceded by whitespace (or at the start) ends the value: an
//     inline comment, even inside what looks like quotes;
//   - a line indented deeper than its option line continues the value
//     (joined with "\n"); an empty line inside a value is kept, trailing
//     ones are dropped;
//   - option names are case-folded, "=" or ":" separates name and value,
//     blanks around both are stripped;
//   - a section seen twice (in one file or across files) is merged, a
//     later option replacing an earlier one.

// option is one name = value of a section, with where it was written.
type option struct {
	name, value string
	pos         pos
	// cut is set when an inline comment ended the value on a line whose
	// quotes were still open: supervisord dropped the rest, which is
	// rarely what the author meant.
	cut bool
}

// pos is a place in an input file.
type pos struct {
	file string
	line int
}

func (p pos) String() string { return fmt.Sprintf("%s:%d", p.file, p.line) }

// section is one [header] with its options in first-written order.
type section struct {
	name string
	pos  pos
	opts []*option
}

func (s *section) get(name string) (*option, bool) {
	for _, o := range s.opts {
		if o.name == name {
			return o, true
		}
	}
	return nil, false
}

func (s *section) set(o *option) {
	for i, old := range s.opts {
		if old.name == o.name {
			s.opts[i] = o
			return
		}
	}
	s.opts = append(s.opts, o)
}

// config is every section of every input, merged, in first-seen order.
type config struct {
	sections []*section
}

func (c *config) section(name string, p pos) *section {
	for _, s := range c.sections {
		if s.name == name {
			return s
		}
	}
	s := &section{name: name, pos: p}
	c.sections = append(c.sections, s)
	return s
}

// read parses one file into c, returning a problem for each line
// supervisord would refuse (ConfigParser collects them all the same way).
func (c *config) read(file string, data []byte) []Problem {
	var probs []Problem
	var cur *section
	var curOpt *option
	indent := 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for n := 1; sc.Scan(); n++ {
		raw := strings.TrimSuffix(sc.Text(), "\r")
		at := pos{file, n}
		if !utf8.ValidString(raw) {
			// Python reads the file as UTF-8 and stops at the first bad byte.
			probs = append(probs, problem(at, "not valid UTF-8: save the file as UTF-8"))
			continue
		}
		value, commented := stripComment(raw)
		if value == "" {
			// An empty line continues a value (kept as an empty line);
			// a comment line does not touch it.
			if !commented && curOpt != nil {
				curOpt.value += "\n"
			}
			continue
		}
		lineIndent := len(raw) - len(strings.TrimLeftFunc(raw, unicode.IsSpace))
		if curOpt != nil && lineIndent > indent {
			curOpt.value += "\n" + value
			curOpt.cut = curOpt.cut || cutInQuotes(raw, value)
			continue
		}
		indent = lineIndent
		if name, ok := header(value); ok {
			if name == "DEFAULT" {
				probs = append(probs, problem(at, "[DEFAULT] is not supported: copy its keys into each section that needs them"))
			}
			cur, curOpt = c.section(name, at), nil
			continue
		}
		if cur == nil {
			probs = append(probs, problem(at, fmt.Sprintf("%q comes before any [section]: start the file with a section such as [program:web]", value)))
			continue
		}
		i := strings.IndexAny(value, "=:")
		key := ""
		if i >= 0 {
			key = strings.ToLower(strings.TrimRightFunc(value[:i], unicode.IsSpace))
		}
		if key == "" {
			probs = append(probs, problem(at, fmt.Sprintf("cannot read %q: want name=value, a [section] or a comment", value)))
			curOpt = nil
			continue
		}
		curOpt = &option{name: key, value: strings.TrimSpace(value[i+1:]), pos: at, cut: cutInQuotes(raw, value)}
		cur.set(curOpt)
	}
	if err := sc.Err(); err != nil {
		probs = append(probs, problem(pos{file, 0}, fmt.Sprintf("cannot read: %v", err)))
	}
	for _, s := range c.sections {
		for _, o := range s.opts {
			o.value = strings.TrimRight(o.value, "\n")
		}
	}
	return probs
}

// stripComment returns the line without its comment, trimmed, and whether
// a comment was there.
func stripComment(line string) (string, bool) {
	t := strings.TrimSpace(line)
	if strings.HasPrefix(t, ";") || strings.HasPrefix(t, "#") {
		return "", true
	}
	for i := 0; i < len(line); i++ {
		if (line[i] == ';' || line[i] == '#') && (i == 0 || isBlank(line[i-1])) {
			return strings.TrimSpace(line[:i]), true
		}
	}
	return t, false
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' }

// cutInQuotes reports whether an inline comment cut raw while a quote was
// open in what was kept.
func cutInQuotes(raw, kept string) bool {
	if len(strings.TrimSpace(raw)) == len(kept) {
		return false
	}
	var q byte
	for i := 0; i < len(kept); i++ {
		switch c := kept[i]; {
		case q == 0 && (c == '"' || c == '\''):
			q = c
		case c == q:
			q = 0
		}
	}
	return q != 0
}

// header reads "[name]" as ConfigParser's SECTCRE does (\[(?P<header>.+)\]
// matched at the start: up to the last "]").
func header(v string) (string, bool) {
	if !strings.HasPrefix(v, "[") {
		return "", false
	}
	end := strings.LastIndexByte(v, ']')
	if end < 2 {
		return "", false
	}
	return v[1:end], true
}
