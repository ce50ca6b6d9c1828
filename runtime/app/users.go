package app

import (
	"appstart/runtime/ident"
)

// userDB resolves "user[:group]" against the container's own passwd and
// group files (never NSS: a static binary has none, and the image's files are
// the truth).
type userDB struct{ passwd, group string }

func systemUsers() userDB { return userDB{passwd: "/etc/passwd", group: "/etc/group"} }

func (db userDB) lookup(spec string) (ident.User, error) {
	return ident.LookupFiles(spec, db.passwd, db.group)
}
