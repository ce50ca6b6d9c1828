package stage

import (
	"errors"
	"testing"

	"appstart/runtime/ident"
)

// A start hands the stages the users resolution looked up (Env.Users), so
// the image's passwd is read once: owners come from it, not from Root's
// files, and its error is the stage's.
func TestUsersHookResolvesOwners(t *testing.T) {
	asked := 0
	e := &Env{Root: t.TempDir(), Users: func(spec string) (ident.User, error) {
		asked++
		if spec == "ghost" {
			return ident.User{Name: "ghost", Uid: 4242, Gid: 4343}, nil
		}
		return ident.User{}, errors.New("no such user")
	}}
	for range 2 {
		uid, gid, err := e.owner("ghost")
		if err != nil || uid != 4242 || gid != 4343 {
			t.Fatalf("owner(ghost) = %d, %d, %v; want 4242, 4343 from Users", uid, gid, err)
		}
	}
	if asked != 1 {
		t.Errorf("Users asked %d times for one spec, want once", asked)
	}
	if _, _, err := e.owner("nobody-here"); err == nil {
		t.Error("an unknown user resolved")
	}
}
