package ident

import (
	"strconv"
	"strings"
)

// passwdEntry is one line of passwd(5): name:password:uid:gid:gecos:home:shell.
type passwdEntry struct {
	Name        string
	Uid, Gid    uint32
	Home, Shell string
}

// groupEntry is one line of group(5): name:password:gid:member,member.
type groupEntry struct {
	Name    string
	Gid     uint32
	members string // as in the file: comma-separated, nothing trimmed
}

// hasMember reports whether name is one of the entry's members.
func (g groupEntry) hasMember(name string) bool {
	for rest := g.members; rest != ""; {
		var m string
		m, rest, _ = strings.Cut(rest, ",")
		if m == name {
			return true
		}
	}
	return false
}

// maxID is the largest id accepted, as runc and gosu: uid_t is 32 bits but
// (uid_t)-1 means "unchanged" to setresuid(2), and ids above 2^31-1 break
// tools that use a signed int.
const maxID = 1<<31 - 1

func parseID(s string) (uint32, bool) {
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil || n > maxID {
		return 0, false
	}
	return uint32(n), true
}

// eachField calls fn with the colon-separated fields of every line of text
// that is not blank, a comment, or an NIS "+"/"-" inclusion, until fn
// returns false. The fields are substrings of text and the slice is reused
// from line to line. Malformed entries are the caller's to skip, as libc's
// files backend does.
func eachField(text string, fn func(f []string) bool) {
	var fields [8]string // passwd(5) has 7, group(5) 4; more only when malformed
	for text != "" {
		var line string
		line, text, _ = strings.Cut(text, "\n")
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == '+' || line[0] == '-' {
			continue
		}
		f := fields[:0]
		for {
			field, rest, more := strings.Cut(line, ":")
			f = append(f, field)
			if !more {
				break
			}
			line = rest
		}
		if !fn(f) {
			return
		}
	}
}

// findPasswd returns the first entry match accepts.
func findPasswd(text string, match func(passwdEntry) bool) (passwdEntry, bool) {
	var found passwdEntry
	ok := false
	eachField(text, func(f []string) bool {
		if len(f) < 7 {
			return true
		}
		uid, ok1 := parseID(f[2])
		gid, ok2 := parseID(f[3])
		if !ok1 || !ok2 {
			return true
		}
		e := passwdEntry{Name: f[0], Uid: uid, Gid: gid, Home: f[5], Shell: f[6]}
		if match(e) {
			found, ok = e, true
			return false
		}
		return true
	})
	return found, ok
}

// filterGroups returns every entry match accepts, in file order.
func filterGroups(text string, match func(groupEntry) bool) []groupEntry {
	var out []groupEntry
	eachField(text, func(f []string) bool {
		if len(f) < 4 {
			return true
		}
		gid, ok := parseID(f[2])
		if !ok {
			return true
		}
		e := groupEntry{Name: f[0], Gid: gid, members: f[3]}
		if match(e) {
			out = append(out, e)
		}
		return true
	})
	return out
}
