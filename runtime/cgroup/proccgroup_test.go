package cgroup

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseProcCgroup(t *testing.T) {
	t.Parallel()
	in := "12:memory:/docker/a:b\n10:cpu,cpuacct:/c\n1:name=systemd:/s\nnot a line\n0::/u\n"
	m := parseProcCgroup(in)
	want := membership{
		v1:    map[string]string{"memory": "/docker/a:b", "cpu": "/c", "cpuacct": "/c", "name=systemd": "/s"},
		v2:    "/u",
		hasV2: true,
	}
	if !reflect.DeepEqual(m, want) {
		t.Errorf("parseProcCgroup = %+v; want %+v", m, want)
	}
}

func TestParseMountinfo(t *testing.T) {
	t.Parallel()
	in := strings.Join([]string{
		`31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755`,
		`35 31 0:32 /docker/x /sys/fs/cgroup/memory rw,relatime shared:5 master:1 - cgroup cgroup rw,memory`,
		`41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw`,
		`50 31 0:39 / /sys/fs/cgroup/unified rw,relatime - cgroup2 none rw`, // mounted over 41
		`60 23 0:40 / /a\040b\134c rw - cgroup2 cgroup2 rw`,
		`61 23 0:42 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids`,
		`62 23 0:43 / /sys/fs/cgroup/pids/x rw - tmpfs tmpfs rw`, // below 61: hides nothing
		`63 23 0:44 / /sys/fs/cgroup/pids rw - tmpfs tmpfs rw`,   // over 61: hides it
		`short line`,
		`64 23 0:45 / /no/separator rw cgroup cgroup rw`,
	}, "\n")
	got := parseMountinfo(in)
	want := []mount{
		{Root: "/docker/x", Point: "/sys/fs/cgroup/memory", FSType: "cgroup", Super: []string{"rw", "memory"}},
		{Root: "/", Point: "/sys/fs/cgroup/unified", FSType: "cgroup2", Super: []string{"rw"}},
		{Root: "/", Point: `/a b\c`, FSType: "cgroup2", Super: []string{"rw"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseMountinfo =\n\t%+v\nwant\t%+v", got, want)
	}
}
