package ident

import (
	"bufio"
	"io"
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
	Members []string
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

// eachField calls fn with the colon-separated fields of every line that is
// not blank, a comment, or an NIS "+"/"-" inclusion. Malformed entries are
// the caller's to skip, as libc's files backend does.
func eachField(r io.Reader, fn func(f []string) bool) error {
	if r == nil {
		return nil
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == '+' || line[0] == '-' {
			continue
		}
		if !fn(strings.Split(line, ":")) {
			return nil
		}
	}
	return sc.Err()
}

// findPasswd returns the first entry match accepts.
func findPasswd(r io.Reader, match func(passwdEntry) bool) (passwdEntry, bool, error) {
	var found passwdEntry
	ok := false
	err := eachField(r, func(f []string) bool {
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
	return found, ok, err
}

// filterGroups returns every entry match accepts, in file order.
func filterGroups(r io.Reader, match func(groupEntry) bool) ([]groupEntry, error) {
	var out []groupEntry
	err := eachField(r, func(f []string) bool {
		if len(f) < 4 {
			return true
		}
		gid, ok := parseID(f[2])
		if !ok {
			return true
		}
		e := groupEntry{Name: f[0], Gid: gid}
		if f[3] != "" {
			e.Members = strings.Split(f[3], ",")
		}
		if match(e) {
			out = append(out, e)
		}
		return true
	})
	return out, err
}
