package cgroup

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

const fixtures = "../../testdata/cgroup"

func TestReadMemoryFixtures(t *testing.T) {
	t.Parallel()
	const M = 1 << 20
	own := machineOwnPath(t)
	for _, c := range []struct {
		tree string
		want Memory
	}{
		{"v1", Memory{256 * M, 512 * M, 1, "/sys/fs/cgroup/memory/memory.limit_in_bytes"}},
		{"v2", Memory{512 * M, 512 * M, 2, "/sys/fs/cgroup/memory.max"}},
		{"hybrid", Memory{384 * M, 768 * M, 1, "/sys/fs/cgroup/memory/system.slice/cloudron-app.service/memory.limit_in_bytes"}},
		{"nested-v1", Memory{512 * M, 768 * M, 1, "/sys/fs/cgroup/memory/a/b/memory.limit_in_bytes"}},
		{"nested-v2", Memory{256 * M, 384 * M, 2, "/sys/fs/cgroup/system.slice/app.service/memory.max"}},
		{"unlimited-v1", Memory{0, 0, 1, "/sys/fs/cgroup/memory/memory.limit_in_bytes"}},
		{"unlimited-v2", Memory{0, 0, 2, "/sys/fs/cgroup/memory.max"}},
		{"missing", Memory{0, 0, 0, "no memory cgroup mounted (neither a v1 memory nor a cgroup2 mount in /proc/self/mountinfo)"}},
		{"cgroupns-v1", Memory{128 * M, 256 * M, 1, "/sys/fs/cgroup/memory/memory.limit_in_bytes"}},
		{"stat-v1", Memory{256 * M, 512 * M, 1, "/sys/fs/cgroup/memory/memory.stat (hierarchical_memory_limit)"}},
		{"machine", Memory{0, 0, 1, "/sys/fs/cgroup/memory" + own + "/memory.limit_in_bytes"}},
	} {
		got, err := ReadMemory(os.DirFS(filepath.Join(fixtures, c.tree)))
		if err != nil || got != c.want {
			t.Errorf("ReadMemory(%s) =\n\t%+v, %v\nwant\t%+v", c.tree, got, err, c.want)
		}
	}
}

func machineOwnPath(t *testing.T) string {
	b, err := os.ReadFile(filepath.Join(fixtures, "machine/proc/self/cgroup"))
	if err != nil {
		t.Fatal(err)
	}
	m := parseProcCgroup(string(b))
	return m.v1["memory"]
}

func TestReadMemoryEdgeCases(t *testing.T) {
	t.Parallel()
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s + "\n")} }
	v2mount := file("30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw")
	for _, c := range []struct {
		name    string
		fsys    fstest.MapFS
		want    Memory
		wantErr string
	}{
		{name: "no procfs", fsys: fstest.MapFS{}, want: Memory{Source: "no /proc/self/cgroup: procfs not mounted"}},
		{name: "no mountinfo", fsys: fstest.MapFS{"proc/self/cgroup": file("0::/")},
			want: Memory{Source: "no /proc/self/mountinfo: procfs not mounted"}},
		{name: "v2 without the memory controller", fsys: fstest.MapFS{
			"proc/self/cgroup":           file("0::/a"),
			"proc/self/mountinfo":        v2mount,
			"sys/fs/cgroup/a/cpu.max":    file("max 100000"),
			"sys/fs/cgroup/cgroup.procs": file(""),
		}, want: Memory{Version: 2, Source: "no memory.max in /sys/fs/cgroup/a: memory controller not enabled for this cgroup"}},
		{name: "garbage limit", fsys: fstest.MapFS{
			"proc/self/cgroup":         file("0::/"),
			"proc/self/mountinfo":      v2mount,
			"sys/fs/cgroup/memory.max": file("lots"),
		}, wantErr: `cannot parse memory limit /sys/fs/cgroup/memory.max: "lots" is not a number of bytes`},
		{name: "v1 max is garbage on v1", fsys: fstest.MapFS{
			"proc/self/cgroup":                           file("3:memory:/"),
			"proc/self/mountinfo":                        file("35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory"),
			"sys/fs/cgroup/memory/memory.limit_in_bytes": file("max"),
		}, wantErr: `cannot parse memory limit /sys/fs/cgroup/memory/memory.limit_in_bytes: "max"`},
		{name: "mount root outside the cgroup namespace falls back to the mount point", fsys: fstest.MapFS{
			"proc/self/cgroup":         file("0::/"),
			"proc/self/mountinfo":      file("30 23 0:26 /.. /sys/fs/cgroup rw - cgroup2 cgroup2 rw"),
			"sys/fs/cgroup/memory.max": file("1048576"),
		}, want: Memory{Limit: 1 << 20, Version: 2, Source: "/sys/fs/cgroup/memory.max"}},
		{name: "own directory missing falls back to the mount point", fsys: fstest.MapFS{
			"proc/self/cgroup":         file("0::/gone"),
			"proc/self/mountinfo":      v2mount,
			"sys/fs/cgroup/memory.max": file("2097152"),
		}, want: Memory{Limit: 2 << 20, Version: 2, Source: "/sys/fs/cgroup/memory.max"}},
		{name: "escaped mount point", fsys: fstest.MapFS{
			"proc/self/cgroup":    file("0::/"),
			"proc/self/mountinfo": file(`30 23 0:26 / /my\040cg rw - cgroup2 cgroup2 rw`),
			"my cg/memory.max":    file("3145728"),
		}, want: Memory{Limit: 3 << 20, Version: 2, Source: "/my cg/memory.max"}},
		{name: "cgroupfs hidden by a later tmpfs mount", fsys: fstest.MapFS{
			"proc/self/cgroup":         file("0::/"),
			"proc/self/mountinfo":      file("30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n40 23 0:40 / /sys/fs rw - tmpfs tmpfs rw"),
			"sys/fs/cgroup/memory.max": file("3145728"),
		}, want: Memory{Source: "no memory cgroup mounted (neither a v1 memory nor a cgroup2 mount in /proc/self/mountinfo)"}},
		{name: "most specific of two bind mounts", fsys: fstest.MapFS{
			"proc/self/cgroup":                           file("4:memory:/docker/x"),
			"proc/self/mountinfo":                        file("35 31 0:32 / /host/memory rw - cgroup cgroup rw,memory\n36 31 0:32 /docker/x /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory"),
			"sys/fs/cgroup/memory/memory.limit_in_bytes": file("4194304"),
			"host/memory/docker/x/memory.limit_in_bytes": file("999"),
		}, want: Memory{Limit: 4 << 20, Version: 1, Source: "/sys/fs/cgroup/memory/memory.limit_in_bytes"}},
		{name: "v1 memory line but no v1 mount uses v2", fsys: fstest.MapFS{
			"proc/self/cgroup":         file("4:memory:/x\n0::/"),
			"proc/self/mountinfo":      v2mount,
			"sys/fs/cgroup/memory.max": file("5242880"),
		}, want: Memory{Limit: 5 << 20, Version: 2, Source: "/sys/fs/cgroup/memory.max"}},
	} {
		got, err := ReadMemory(c.fsys)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%s: error = %v; want %q", c.name, err, c.wantErr)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s:\n\tgot  %+v, %v\n\twant %+v", c.name, got, err, c.want)
		}
	}
}

// TestReadMemoryHere reads this machine's real files: it must not fail,
// whatever the layout, and must find a memory hierarchy when one is mounted.
func TestReadMemoryHere(t *testing.T) {
	t.Parallel()
	m, err := ReadMemory(os.DirFS("/"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("this machine: %+v", m)
	if _, err := os.Stat("/sys/fs/cgroup/memory/memory.limit_in_bytes"); err == nil && m.Version != 1 {
		t.Errorf("v1 memory controller mounted but ReadMemory says version %d", m.Version)
	}
	// On this machine's real files, the way without mountinfo and the way
	// through it find the same cgroup (when the first applies).
	root := os.DirFS("/")
	cg, err := fs.ReadFile(root, "proc/self/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	member := parseProcCgroup(string(cg))
	slow, why, err := locateByMountinfo(root, member)
	if err != nil || why != "" {
		t.Logf("no memory cgroup through mountinfo (%v %s): nothing to compare", err, why)
		return
	}
	if fast, ok := locateAtUsualMount(root, member, os.Getpid()); !ok {
		t.Logf("the usual mount does not apply here; mountinfo gives %+v", slow)
	} else if fast != slow {
		t.Errorf("usual mount %+v, mountinfo %+v", fast, slow)
	}
}

// withFile is fsys with one more file.
type withFile struct {
	fs.FS
	name string
	data string
}

func (w withFile) Open(name string) (fs.File, error) {
	if name == w.name {
		return fstest.MapFS{name: {Data: []byte(w.data)}}.Open(name)
	}
	return w.FS.Open(name)
}

// Wherever the usual mount holds the hierarchy and the process's own
// cgroup lists it, the mountinfo-free way finds what mountinfo finds; where
// nothing lists the process, or the hierarchy is elsewhere, it declines.
func TestLocateAtUsualMountAgreesWithMountinfo(t *testing.T) {
	t.Parallel()
	const self = 4242
	found := 0
	for _, tree := range []string{"v1", "v2", "hybrid", "nested-v1", "nested-v2", "unlimited-v1", "unlimited-v2", "cgroupns-v1", "stat-v1", "machine"} {
		fsys := os.DirFS(filepath.Join(fixtures, tree))
		want, why, err := locate(fsys, self) // no cgroup.procs in the trees: mountinfo decides
		if err != nil || why != "" {
			t.Fatalf("%s: %v %s", tree, err, why)
		}
		cg, err := fs.ReadFile(fsys, "proc/self/cgroup")
		if err != nil {
			t.Fatal(err)
		}
		member := parseProcCgroup(string(cg))
		procs := fsPath(path.Join(want.Dir, "cgroup.procs"))
		if _, ok := locateAtUsualMount(withFile{fsys, procs, "1\n40\n"}, member, self); ok {
			t.Errorf("%s: found a cgroup whose cgroup.procs does not list the process", tree)
		}
		got, ok := locateAtUsualMount(withFile{fsys, procs, "1\n4242\n"}, member, self)
		if ok {
			found++
			if got != want {
				t.Errorf("%s: usual mount gave %+v, mountinfo %+v", tree, got, want)
			}
		}
		if all, err := readMemory(withFile{fsys, procs, "4242\n"}, self); err != nil {
			t.Errorf("%s: %v", tree, err)
		} else if m, _ := readMemory(fsys, self); all != m {
			t.Errorf("%s: ReadMemory %+v with cgroup.procs, %+v without", tree, all, m)
		}
	}
	if found < 6 {
		t.Errorf("the usual mount took only %d of the trees", found)
	}
}

// ReadAhead gives what ReadMemory reads, to every call.
func TestReadAheadGivesWhatReadMemoryReads(t *testing.T) {
	t.Parallel()
	fsys := os.DirFS(filepath.Join(fixtures, "v1"))
	want, err := ReadMemory(fsys)
	if err != nil {
		t.Fatal(err)
	}
	memory := ReadAhead(fsys)
	for i := 0; i < 2; i++ {
		if got, err := memory(); err != nil || got != want {
			t.Errorf("call %d: %+v, %v; ReadMemory gave %+v", i, got, err, want)
		}
	}
}
