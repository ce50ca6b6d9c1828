// Package ident resolves the user specs of appstart.toml ("cloudron",
// "www-data:www-data", "1000:1000") to numeric credentials, from the
// container's own /etc/passwd and /etc/group, without cgo or NSS.
//
// It follows gosu (which uses runc's libcontainer/user) so that
// `appstart exec-as` is a drop-in replacement:
//
//	u, err := ident.Lookup("cloudron", passwd, group)
//	// u.Uid = 1000, u.Gid = 1000, u.Groups = [1000 33] when /etc/group
//	// lists cloudron in www-data; u.Home = "/home/cloudron"
//	cred := &syscall.Credential{Uid: u.Uid, Gid: u.Gid, Groups: u.Groups}
//	env := append(os.Environ(), u.Env()...)
package ident

import "strconv"

// User is a resolved user spec: what a process needs to run as it.
type User struct {
	Name   string   // passwd name, or the number as given for a uid not in passwd
	Uid    uint32   //nolint:revive // the syscall field name
	Gid    uint32   // primary group
	Groups []uint32 // the full group list for setgroups(2): Gid first, then supplementary
	Home   string   // "/" for a uid not in passwd, as gosu
	Shell  string   // "" when passwd has none
}

// Env returns the variables a login would set for u, which programs such as
// git, npm and composer read to find their configuration (supervisord's
// issue #435 is the classic failure when HOME stays /root).
//
//	User{Name: "cloudron", Home: "/home/cloudron"}.Env()
//	// ["HOME=/home/cloudron" "USER=cloudron" "LOGNAME=cloudron"]
func (u User) Env() []string {
	name := u.Name
	if name == "" {
		name = strconv.FormatUint(uint64(u.Uid), 10)
	}
	home := u.Home
	if home == "" {
		home = "/"
	}
	return []string{"HOME=" + home, "USER=" + name, "LOGNAME=" + name}
}
