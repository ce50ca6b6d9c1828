package ident

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	"appstart/runtime/sysx"
)

// Lookup resolves spec against passwd and group, the contents of the
// container's /etc/passwd and /etc/group (errors name those paths; see
// [LookupFiles] for others). The forms, with gosu's rules:
//
//	"cloudron"          passwd entry by name; groups = its gid plus every
//	                    /etc/group entry listing it (getgrouplist(3))
//	"1000"              a number is always a uid, looked up in passwd by uid;
//	                    not there: uid 1000, gid 0, home "/", name "1000"
//	                    (gosu, su-exec and docker --user do the same)
//	"cloudron:www-data" explicit group by name: gid 33, groups = [33] only
//	"cloudron:33"       a number is always a gid, even if a group is named "33"
//	"1000:1000"         both numeric; entries used when present
//
// An empty user or group part (":www-data", "cloudron:") is an error: the
// spec always names the user, and half a spec is more likely a typo than a
// wish for root's uid. Unknown names are errors; unknown numbers are not.
func Lookup(spec string, passwd, group io.Reader) (User, error) {
	pw, err := io.ReadAll(passwd)
	if err != nil {
		return User{}, fmt.Errorf("cannot look up user %q: cannot read /etc/passwd: %w", spec, err)
	}
	readGroup := func() (string, error) {
		gr, err := io.ReadAll(group)
		return string(gr), err
	}
	return lookup(spec, string(pw), readGroup, "/etc/passwd", "/etc/group")
}

// LookupFiles is [Lookup] reading the two files at the given paths, so that
// `appstart exec-as` and the stages read the container's own files.
//
//	u, err := ident.LookupFiles("cloudron", "/etc/passwd", "/etc/group")
func LookupFiles(spec, passwdPath, groupPath string) (User, error) {
	// Each file is read whole, in one piece that its entries share: a
	// line scanner copied every line and split it into a new slice (113
	// allocations, 12 KB for root on Debian's files, on every start).
	pw, err := sysx.ReadFile(passwdPath)
	if err != nil {
		return User{}, fmt.Errorf("cannot look up user %q: %w", spec, err)
	}
	// The group file is only needed for some specs and read only then, so
	// a container without /etc/group can still run "1000:1000".
	readGroup := func() (string, error) {
		gr, err := sysx.ReadFile(groupPath)
		if errors.Is(err, fs.ErrNotExist) {
			return "", nil
		}
		return string(gr), err
	}
	return lookup(spec, string(pw), readGroup, passwdPath, groupPath)
}

// lookup resolves spec against the text of a passwd file and, when spec
// needs it, of a group file (group reads it).
func lookup(spec string, passwd string, group func() (string, error), pwName, grName string) (User, error) {
	fail := func(format string, a ...any) (User, error) {
		return User{}, fmt.Errorf("cannot look up user %q: "+format, append([]any{spec}, a...)...)
	}
	userArg, groupArg, explicit := strings.Cut(spec, ":")
	switch {
	case userArg == "":
		return fail("no user name")
	case explicit && groupArg == "":
		return fail("empty group after ':'")
	case strings.Contains(groupArg, ":"):
		return fail("more than one ':'")
	}
	uidArg, uidNumeric := parseID(userArg)
	if !uidNumeric && isDigits(userArg) {
		return fail("uid %s out of range (0-%d)", userArg, maxID)
	}

	pe, found := findPasswd(passwd, func(e passwdEntry) bool {
		if uidNumeric {
			return e.Uid == uidArg
		}
		return e.Name == userArg
	})
	var u User
	switch {
	case found:
		u = User{Name: pe.Name, Uid: pe.Uid, Gid: pe.Gid, Home: pe.Home, Shell: pe.Shell}
	case uidNumeric:
		// gosu's default ExecUser: the caller's gid, which is root's
		// when appstart runs as PID 1.
		u = User{Name: userArg, Uid: uidArg, Gid: 0, Home: "/"}
	default:
		return fail("no user %q in %s", userArg, pwName)
	}

	if explicit {
		gidArg, gidNumeric := parseID(groupArg)
		if !gidNumeric && isDigits(groupArg) {
			return fail("gid %s out of range (0-%d)", groupArg, maxID)
		}
		if gidNumeric {
			// A number is a gid (runc: "always treat it as a GID"); no
			// need to read the group file at all.
			u.Gid = gidArg
		} else {
			text, err := group()
			if err != nil {
				return fail("cannot read %s: %w", grName, err)
			}
			gs := filterGroups(text, func(g groupEntry) bool { return g.Name == groupArg })
			if len(gs) == 0 {
				return fail("no group %q in %s", groupArg, grName)
			}
			u.Gid = gs[0].Gid
		}
		// An explicit group replaces the supplementary list (su-exec:
		// setgroups(1, &gid); gosu: no Sgids in the explicit form).
		u.Groups = []uint32{u.Gid}
		return u, nil
	}

	u.Groups = []uint32{u.Gid}
	if !found {
		return u, nil // a bare uid is a member of nothing by name
	}
	text, err := group()
	if err != nil {
		return fail("cannot read %s: %w", grName, err)
	}
	gs := filterGroups(text, func(g groupEntry) bool { return g.hasMember(u.Name) })
	for _, g := range gs {
		if !slices.Contains(u.Groups, g.Gid) {
			u.Groups = append(u.Groups, g.Gid)
		}
	}
	return u, nil
}

func isDigits(s string) bool {
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil || errors.Is(err, strconv.ErrRange)
}
