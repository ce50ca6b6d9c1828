package ident

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const fixtures = "../../testdata/ident"

func lookupFixture(t *testing.T, spec string) (User, error) {
	t.Helper()
	pw, err := os.ReadFile(filepath.Join(fixtures, "passwd"))
	if err != nil {
		t.Fatal(err)
	}
	gr, err := os.ReadFile(filepath.Join(fixtures, "group"))
	if err != nil {
		t.Fatal(err)
	}
	return Lookup(spec, strings.NewReader(string(pw)), strings.NewReader(string(gr)))
}

func TestLookup(t *testing.T) {
	t.Parallel()
	cloudron := User{"cloudron", 1000, 1000, []uint32{1000, 33, 2000}, "/home/cloudron", "/bin/sh"}
	for spec, want := range map[string]User{
		"cloudron":          cloudron,
		"1000":              cloudron,
		"cloudron:cloudron": {"cloudron", 1000, 1000, []uint32{1000}, "/home/cloudron", "/bin/sh"},
		"1000:1000":         {"cloudron", 1000, 1000, []uint32{1000}, "/home/cloudron", "/bin/sh"},
		"cloudron:www-data": {"cloudron", 1000, 33, []uint32{33}, "/home/cloudron", "/bin/sh"},
		"cloudron:3000":     {"cloudron", 1000, 3000, []uint32{3000}, "/home/cloudron", "/bin/sh"}, // gid, not the group named "3000"
		"www-data":          {"www-data", 33, 33, []uint32{33}, "/var/www", "/usr/sbin/nologin"},
		"postgres":          {"postgres", 104, 107, []uint32{107, 108}, "/var/lib/postgresql", "/bin/bash"},
		"multi":             {"multi", 1001, 1001, []uint32{1001, 4, 33, 2000, 3005}, "/home/multi", "/bin/bash"},
		"lonely":            {"lonely", 1002, 4000, []uint32{4000}, "/home/lonely", "/bin/sh"},
		"3000":              {"3000", 3000, 0, []uint32{0}, "/", ""}, // uid, not the user named "3000"
		"4242":              {"4242", 4242, 0, []uint32{0}, "/", ""},
		"4242:4242":         {"4242", 4242, 4242, []uint32{4242}, "/", ""},
		"4242:media":        {"4242", 4242, 2000, []uint32{2000}, "/", ""},
		"root":              {"root", 0, 0, []uint32{0}, "/root", "/bin/bash"},
		"0":                 {"root", 0, 0, []uint32{0}, "/root", "/bin/bash"},
	} {
		got, err := lookupFixture(t, spec)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("Lookup(%q) =\n\t%+v, %v\nwant\t%+v", spec, got, err, want)
		}
	}
}

func TestLookupErrors(t *testing.T) {
	t.Parallel()
	for spec, want := range map[string]string{
		"nosuch":               `cannot look up user "nosuch": no user "nosuch" in /etc/passwd`,
		"broken":               `cannot look up user "broken": no user "broken" in /etc/passwd`,
		"cloudron:nosuch":      `cannot look up user "cloudron:nosuch": no group "nosuch" in /etc/group`,
		":www-data":            `cannot look up user ":www-data": no user name`,
		"":                     `cannot look up user "": no user name`,
		"cloudron:":            `cannot look up user "cloudron:": empty group after ':'`,
		"a:b:c":                `cannot look up user "a:b:c": more than one ':'`,
		"2147483648":           `cannot look up user "2147483648": uid 2147483648 out of range (0-2147483647)`,
		"99999999999999999999": `uid 99999999999999999999 out of range`,
		"cloudron:4294967295":  `gid 4294967295 out of range`,
	} {
		_, err := lookupFixture(t, spec)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Lookup(%q) error = %v; want %q", spec, err, want)
		}
	}
}

func TestLookupFiles(t *testing.T) {
	t.Parallel()
	got, err := LookupFiles("multi", filepath.Join(fixtures, "passwd"), filepath.Join(fixtures, "group"))
	if err != nil || !reflect.DeepEqual(got.Groups, []uint32{1001, 4, 33, 2000, 3005}) {
		t.Errorf("LookupFiles(multi) = %+v, %v", got, err)
	}
	// No group file: a bare uid spec still works, a group name does not.
	dir := t.TempDir()
	if _, err := LookupFiles("1000:1000", filepath.Join(fixtures, "passwd"), filepath.Join(dir, "group")); err != nil {
		t.Errorf("LookupFiles without a group file: %v", err)
	}
	noGroup := filepath.Join(dir, "group")
	if _, err := LookupFiles("cloudron:media", filepath.Join(fixtures, "passwd"), noGroup); err == nil || !strings.Contains(err.Error(), `no group "media" in `+noGroup) {
		t.Errorf("LookupFiles(cloudron:media) without a group file: error = %v", err)
	}
	missing := filepath.Join(dir, "passwd")
	if _, err := LookupFiles("cloudron", missing, noGroup); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("LookupFiles with no passwd file: error = %v; want it to name %s", err, missing)
	}
}

func TestEnv(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		u    User
		want []string
	}{
		{User{Name: "cloudron", Home: "/home/cloudron"}, []string{"HOME=/home/cloudron", "USER=cloudron", "LOGNAME=cloudron"}},
		{User{Uid: 4242}, []string{"HOME=/", "USER=4242", "LOGNAME=4242"}},
	} {
		if got := c.u.Env(); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%+v.Env() = %q; want %q", c.u, got, c.want)
		}
	}
}

// The files are split by hand, line by line and field by field: the forms
// a hand-edited file takes must read as libc reads them.
func TestLookupFileForms(t *testing.T) {
	t.Parallel()
	passwd := "  root:x:0:0:root:/root:/bin/bash\r\n" + // leading blanks and CRLF
		"app:x:1000:1000:App:/home/app:/bin/sh:extra\r\n" + // a field too many is ignored
		"short:x:1001:1001:too few\n" +
		"last:x:1002:1002::/home/last:/bin/sh" // no newline at the end
	group := "g1:x:10:app\r\n" +
		"g2:x:20: app,other\n" + // " app" is not app
		"g3:x:30:other,app,\n" + // a trailing comma
		"g4:x:40:,,app\n" +
		"g5:x:50:appx,xapp\n" +
		"g6:x:60:\n" +
		"g7:x:70:last"
	for _, tc := range []struct {
		spec string
		want User
	}{
		{"root", User{"root", 0, 0, []uint32{0}, "/root", "/bin/bash"}},
		{"app", User{"app", 1000, 1000, []uint32{1000, 10, 30, 40}, "/home/app", "/bin/sh"}},
		{"last", User{"last", 1002, 1002, []uint32{1002, 70}, "/home/last", "/bin/sh"}},
		{"app:g6", User{"app", 1000, 60, []uint32{60}, "/home/app", "/bin/sh"}},
	} {
		got, err := Lookup(tc.spec, strings.NewReader(passwd), strings.NewReader(group))
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Lookup(%q) =\n\t%+v, %v\nwant\t%+v", tc.spec, got, err, tc.want)
		}
	}
	if _, err := Lookup("short", strings.NewReader(passwd), strings.NewReader(group)); err == nil {
		t.Error(`Lookup("short") found an entry of five fields`)
	}
}

// Every start looks up the users its spec names: reading the files must
// not copy each line and split it into a slice of its own, as a line
// scanner did (113 allocations for root on Debian's files).
func TestLookupFilesAllocations(t *testing.T) {
	pw, gr := filepath.Join(fixtures, "passwd"), filepath.Join(fixtures, "group")
	allocs := testing.AllocsPerRun(20, func() {
		if _, err := LookupFiles("multi", pw, gr); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 32 {
		t.Errorf("LookupFiles allocates %v times, want at most 32", allocs)
	}
}
