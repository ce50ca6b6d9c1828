package harness

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// DefaultUID and DefaultGID are the platform's ids of the cloudron user and group.
const (
	DefaultUID = 1000
	DefaultGID = 1000
)

// userDB returns the container's /etc/passwd and /etc/group: the host's
// files with a cloudron user and group added, so host programs run inside
// (nginx's www-data, postgres) still resolve their own users.
//
// The platform's cloudron is uid/gid 1000, and many hosts already have a
// first login user there (the machine this was written on has
// "cloudsdk:x:1000:1000"). The container's files are its own copies, so the
// host entry holding the id (or the name cloudron) is left out of them
// rather than moving cloudron to another id; displaced names those entries.
//
// Example, host passwd "root:x:0:0::/root:/bin/bash\ncloudsdk:x:1000:1000::/home/cloudsdk:/bin/bash",
// uid = gid = 1000:
//
//	passwd: root:x:0:0::/root:/bin/bash
//	        cloudron:x:1000:1000:Cloudron app:/home/cloudron:/bin/sh
//	displaced: [passwd cloudsdk]
func userDB(passwd, group io.Reader, uid, gid int) (pw, gr []byte, displaced []string, err error) {
	var p, g bytes.Buffer
	drop := func(kind string, fields []string, idField int, id int) bool {
		if len(fields) <= idField {
			return false
		}
		if fields[0] == "cloudron" || fields[idField] == strconv.Itoa(id) {
			displaced = append(displaced, kind+" "+fields[0])
			return true
		}
		return false
	}
	if err := eachLine(passwd, func(line string) {
		if !drop("passwd", strings.Split(line, ":"), 2, uid) {
			p.WriteString(line + "\n")
		}
	}); err != nil {
		return nil, nil, nil, fmt.Errorf("cannot read passwd: %w", err)
	}
	if err := eachLine(group, func(line string) {
		if !drop("group", strings.Split(line, ":"), 2, gid) {
			g.WriteString(line + "\n")
		}
	}); err != nil {
		return nil, nil, nil, fmt.Errorf("cannot read group: %w", err)
	}
	fmt.Fprintf(&p, "cloudron:x:%d:%d:Cloudron app:/home/cloudron:/bin/sh\n", uid, gid)
	fmt.Fprintf(&g, "cloudron:x:%d:\n", gid)
	return p.Bytes(), g.Bytes(), displaced, nil
}

func eachLine(r io.Reader, f func(string)) error {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if line := sc.Text(); line != "" {
			f(line)
		}
	}
	return sc.Err()
}
