package spec

// Upgrade is one [[upgrade]] entry: a version-keyed step beyond
// [on_upgrade]'s one (an upstream version besides the package version, a
// bundled database's major version), as real packages keep several:
//
//	[[upgrade]]                              # XWiki: the rebuilt webapp needs its config again
//	version_file = "/app/code/VERSION"       # the image's upstream version
//	marker = "/app/data/.xwiki-version"      # the one the data was last upgraded to
//	commands = [["/app/pkg/rebuild-webapp.sh"]]
//	render_templates = true
//
//	[[upgrade]]                              # Windmill: never start postgres 16 on a 15 cluster
//	version = "15"
//	data_version_file = "/app/pgdata/PG_VERSION"
//	compare = "major"
//	refuse = "the data is from another PostgreSQL major version: restore a backup taken with this package's"
//
// The current version is Version (${VAR} expanded), else the content of
// VersionFile, else the manifest's version. The data's is in Marker, which
// appstart writes once Commands succeeded, or in DataVersionFile, which the
// app itself writes and appstart only reads. When they differ, Refuse stops
// the start with its message, else Commands run (with
// $APPSTART_OLD_VERSION and $APPSTART_NEW_VERSION) and, with
// RenderTemplates, the templates are rendered again. An absent marker is
// handled as on_upgrade's: recorded without running when first_run ran in
// this start, else the commands run (data from before the step existed);
// an absent data_version_file is fresh data, and nothing runs.
type Upgrade struct {
	Version         string
	VersionFile     string
	Marker          string
	DataVersionFile string
	Compare         UpgradeCompare
	Commands        []Step
	Refuse          string
	RenderTemplates bool
	User            string // default: the top-level user
}

// UpgradeCompare is how an [[upgrade]] compares versions.
type UpgradeCompare string

const (
	CompareExact UpgradeCompare = "exact" // any difference
	CompareMajor UpgradeCompare = "major" // the leading number only: "15" and "15.4" agree
)

func (u *Upgrade) check(c *checker, at string, s *Spec) {
	c.owner(&u.User)
	stepUsers(u.Commands, u.User)
	c.checkExpr(at+".version", u.Version)
	switch {
	case u.Version != "" && u.VersionFile != "":
		c.errorf(at+".version_file", "give version or version_file, not both")
	case (u.Marker == "") == (u.DataVersionFile == ""):
		c.errorAt(at, at, `give marker (where appstart records the version once the commands succeeded) or data_version_file (the app's own record, such as "/app/pgdata/PG_VERSION"), one of them`)
	case len(u.Commands) == 0 && u.Refuse == "":
		c.errorAt(at, at, `give commands to run when the version changed, or refuse = "why the start must stop"`)
	case len(u.Commands) > 0 && u.Refuse != "":
		c.errorf(at+".refuse", "a refusing step runs no commands: remove commands or refuse")
	case u.RenderTemplates && len(u.Commands) == 0:
		c.errorf(at+".render_templates", "nothing is rebuilt without commands: remove it")
	}
	if u.Marker != "" {
		checkMarker(c, at+".marker", u.Marker, "the upgrade")
		for _, other := range s.markers() {
			if other.path == u.Marker && other.key != at+".marker" {
				c.errorf(at+".marker", "%q is also %s: give each its own", u.Marker, other.key)
				break
			}
		}
	}
}

type markerKey struct{ key, path string }

// markers are the marker paths of first_run, on_upgrade and every
// [[upgrade]], in that order.
func (s *Spec) markers() []markerKey {
	var out []markerKey
	if s.FirstRun != nil {
		out = append(out, markerKey{"first_run.marker", s.FirstRun.Marker})
	}
	if s.OnUpgrade != nil {
		out = append(out, markerKey{"on_upgrade.marker", s.OnUpgrade.Marker})
	}
	for i, u := range s.Upgrades {
		if u.Marker != "" {
			out = append(out, markerKey{indexKey("upgrade", i+1) + ".marker", u.Marker})
		}
	}
	return out
}
