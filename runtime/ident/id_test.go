package ident

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"appstart/runtime/harness/skip"
)

// The gosu test: every spec is resolved with Lookup, then `id` runs with
// exactly those credentials while the fixture passwd and group are
// bind-mounted over /etc/passwd and /etc/group in a private mount
// namespace, so `id` (glibc NSS, the "files" backend) names ids from the
// same files. For names, `id NAME` (glibc getgrouplist(3)) is a second,
// independent oracle that must print the same line.

const (
	helperEnv = "APPSTART_IDENT_TEST_HELPER" // JSON list of specs
	parentNS  = "APPSTART_IDENT_TEST_PARENT_NS"
)

func TestMain(m *testing.M) {
	if specs, ok := os.LookupEnv(helperEnv); ok {
		os.Exit(helperMain(specs))
	}
	os.Exit(m.Run())
}

// idResult is what the helper reports for one spec.
type idResult struct {
	Cred   string // `id` run with Lookup's credentials
	Groups string // the Groups: line of /proc/self/status in that process
	ByName string // `id NAME`, for specs that are bare names
	Err    string
}

func helperMain(specsJSON string) int {
	ns, err := os.Readlink("/proc/self/ns/mnt")
	if err != nil || ns == os.Getenv(parentNS) {
		// Never bind-mount over /etc in the shared mount namespace.
		fmt.Fprintln(os.Stderr, "helper is not in a private mount namespace:", ns, err)
		return 2
	}
	dir := os.Getenv("APPSTART_IDENT_TEST_FIXTURES")
	for _, f := range []string{"passwd", "group"} {
		if err := syscall.Mount(filepath.Join(dir, f), "/etc/"+f, "", syscall.MS_BIND, ""); err != nil {
			fmt.Fprintln(os.Stderr, "cannot bind-mount fixture:", err)
			return 2
		}
	}
	var specs []string
	if err := json.Unmarshal([]byte(specsJSON), &specs); err != nil {
		return 2
	}
	out := map[string]idResult{}
	for _, spec := range specs {
		var r idResult
		cred, wrongGroups := strings.CutSuffix(spec, "!nogroups")
		u, err := LookupFiles(cred, "/etc/passwd", "/etc/group")
		if err != nil {
			r.Err = err.Error()
			out[spec] = r
			continue
		}
		if wrongGroups {
			u.Groups = []uint32{u.Gid} // the negative control: groups lost
		}
		cmd := exec.Command("/bin/sh", "-c", "id; grep '^Groups:' /proc/self/status")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: u.Uid, Gid: u.Gid, Groups: u.Groups}}
		b, err := cmd.Output() // test only: this package does not reap processes
		if err != nil {
			r.Err = err.Error()
		}
		lines := strings.SplitN(strings.TrimSpace(string(b)), "\n", 2)
		r.Cred = lines[0]
		if len(lines) == 2 {
			r.Groups = strings.Join(strings.Fields(strings.TrimPrefix(lines[1], "Groups:")), " ")
		}
		if !strings.Contains(cred, ":") && !isDigits(cred) {
			b, _ := exec.Command("id", cred).Output()
			r.ByName = strings.TrimSpace(string(b))
		}
		out[spec] = r
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		return 3
	}
	return 0
}

func TestLookupAgainstID(t *testing.T) {
	skip.Root(t, "a mount namespace and setuid")
	want := map[string]struct{ id, groups string }{
		"cloudron":          {"uid=1000(cloudron) gid=1000(cloudron) groups=1000(cloudron),33(www-data),2000(media)", "33 1000 2000"},
		"1000":              {"uid=1000(cloudron) gid=1000(cloudron) groups=1000(cloudron),33(www-data),2000(media)", "33 1000 2000"},
		"cloudron:cloudron": {"uid=1000(cloudron) gid=1000(cloudron) groups=1000(cloudron)", "1000"},
		"1000:1000":         {"uid=1000(cloudron) gid=1000(cloudron) groups=1000(cloudron)", "1000"},
		"cloudron:www-data": {"uid=1000(cloudron) gid=33(www-data) groups=33(www-data)", "33"},
		"cloudron:3000":     {"uid=1000(cloudron) gid=3000(threek) groups=3000(threek)", "3000"},
		"www-data":          {"uid=33(www-data) gid=33(www-data) groups=33(www-data)", "33"},
		"postgres":          {"uid=104(postgres) gid=107(postgres) groups=107(postgres),108(ssl-cert)", "107 108"},
		"multi":             {"uid=1001(multi) gid=1001(multi) groups=1001(multi),4(adm),33(www-data),2000(media),3005(3000)", "4 33 1001 2000 3005"},
		"multi:threek":      {"uid=1001(multi) gid=3000(threek) groups=3000(threek)", "3000"},
		"lonely":            {"uid=1002(lonely) gid=4000 groups=4000", "4000"},
		"3000":              {"uid=3000 gid=0(root) groups=0(root)", "0"},
		"4242":              {"uid=4242 gid=0(root) groups=0(root)", "0"},
		"4242:4242":         {"uid=4242 gid=4242 groups=4242", "4242"},
		"4242:media":        {"uid=4242 gid=2000(media) groups=2000(media)", "2000"},
		"root":              {"uid=0(root) gid=0(root) groups=0(root)", "0"},
		"nobody":            {"uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)", "65534"},
	}
	specs := []string{"multi!nogroups"}
	for s := range want {
		specs = append(specs, s)
	}
	got := runIDHelper(t, specs)

	for spec, w := range want {
		r := got[spec]
		if r.Err != "" || r.Cred != w.id || r.Groups != w.groups {
			t.Errorf("%s: id = %q, Groups: %q, err %q\n\twant %q, Groups: %q", spec, r.Cred, r.Groups, r.Err, w.id, w.groups)
		}
		byName := !strings.Contains(spec, ":") && !isDigits(spec)
		if byName && r.ByName != r.Cred {
			t.Errorf("%s: `id %s` = %q, but with Lookup's credentials id = %q", spec, spec, r.ByName, r.Cred)
		}
	}
	// Negative control: dropping the supplementary groups must be seen.
	nc := got["multi!nogroups"]
	if nc.Cred == "" || nc.Cred == got["multi"].ByName || nc.Groups != "1001" {
		t.Errorf("negative control: multi without its groups gave id %q, Groups %q; `id multi` = %q", nc.Cred, nc.Groups, got["multi"].ByName)
	}
}

func runIDHelper(t *testing.T, specs []string) map[string]idResult {
	t.Helper()
	ns, err := os.Readlink("/proc/self/ns/mnt")
	if err != nil {
		skip.OrFail(t, "no /proc/self/ns/mnt: %v", err)
	}
	abs, err := filepath.Abs(fixtures)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(specs)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+string(js), parentNS+"="+ns, "APPSTART_IDENT_TEST_FIXTURES="+abs)
	// CLONE_NEWNS via Unshareflags: the Go runtime also remounts / with
	// MS_REC|MS_PRIVATE in the child, so the bind mounts cannot propagate
	// to the shared namespace (syscall/exec_linux.go).
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("id helper: %v", err)
	}
	res := map[string]idResult{}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("id helper output %q: %v", out, err)
	}
	return res
}
