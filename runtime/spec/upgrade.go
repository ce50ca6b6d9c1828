package spec

// OnUpgrade is the [on_upgrade] table: Commands run once per package
// version, when the version recorded in Marker differs from Version; the
// new version is recorded only after they all succeeded.
//
//	[on_upgrade]
//	commands = [["php", "artisan", "migrate", "--force"]]
//	// OnUpgrade{Marker: "/app/data/.appstart-version", User: "cloudron", Commands: ...}
type OnUpgrade struct {
	// Version holds ${VAR} expressions; "" means the version field of
	// /app/pkg/CloudronManifest.json.
	Version  string
	Commands []Step
	Marker   string // under /run, /tmp or /app/data
	User     string // default: the top-level user
}

func (u *OnUpgrade) check(c *checker, at string, s *Spec) {
	c.owner(&u.User)
	stepUsers(u.Commands, u.User)
	checkSteps(c, at, u.Commands)
	checkMarker(c, at+".marker", u.Marker, "on_upgrade")
	c.checkExpr(at+".version", u.Version)
	if s.FirstRun != nil && u.Marker == s.FirstRun.Marker {
		c.errorf(at+".marker", "%q is also first_run's marker: give on_upgrade its own (the default is \"/app/data/.appstart-version\")", u.Marker)
	}
}
