package ident

import (
	"errors"
	"fmt"
	"io"
	"os"
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
	return lookup(spec, passwd, group, "/etc/passwd", "/etc/group")
}

// LookupFiles is [Lookup] reading the two files at the given paths, so that
// `appstart exec-as` and the stages read the container's own files.
//
//	u, err := ident.LookupFiles("cloudron", "/etc/passwd", "/etc/group")
func LookupFiles(spec, passwdPath, groupPath string) (User, error) {
	pw, err := sysx.OpenFile(passwdPath, os.O_RDONLY, 0)
	if err != nil {
		return User{}, fmt.Errorf("cannot look up user %q: %w", spec, err)
	}
	defer pw.Close()
	// The group file is only needed for some specs; open it lazily so a
	// container without /etc/group can still run "1000:1000".
	gr := &lazyFile{path: groupPath}
	defer gr.Close()
	return lookup(spec, pw, gr, passwdPath, groupPath)
}

func lookup(spec string, passwd, group io.Reader, pwName, grName string) (User, error) {
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

	pe, found, err := findPasswd(passwd, func(e passwdEntry) bool {
		if uidNumeric {
			return e.Uid == uidArg
		}
		return e.Name == userArg
	})
	if err != nil {
		return fail("cannot read %s: %w", pwName, err)
	}
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
			gs, err := filterGroups(group, func(g groupEntry) bool { return g.Name == groupArg })
			if err != nil {
				return fail("cannot read %s: %w", grName, err)
			}
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
	gs, err := filterGroups(group, func(g groupEntry) bool { return slices.Contains(g.Members, u.Name) })
	if err != nil {
		return fail("cannot read %s: %w", grName, err)
	}
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

// lazyFile opens path on first Read; a missing file reads as empty.
type lazyFile struct {
	path string
	f    *os.File
	err  error
	done bool
}

func (l *lazyFile) Read(p []byte) (int, error) {
	if !l.done {
		l.done = true
		l.f, l.err = sysx.OpenFile(l.path, os.O_RDONLY, 0)
		if errors.Is(l.err, os.ErrNotExist) {
			l.err = io.EOF
		}
	}
	if l.err != nil {
		return 0, l.err
	}
	return l.f.Read(p)
}

func (l *lazyFile) Close() error {
	if l.f != nil {
		return l.f.Close()
	}
	return nil
}
