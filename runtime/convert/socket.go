package convert

import (
	"strings"

	"appstart/runtime/spec"
)

// socketOption carries an [fcgi-program]'s socket keys: socket becomes
// programs.NAME.socket (socket_fd = "stdin" is set by program), with
// socket_owner and socket_mode; socket_backlog is the kernel's default here.
// In a plain [program] they are not supervisord keys at all.
func (cv *converter) socketOption(p *program, o *option, e expansion) {
	if p.kind != "fcgi-program" {
		p.note("%s: only an [fcgi-program] has a socket; ignored", shown(o))
		cv.warn(o.pos, "%s: supervisord reads it only in an [fcgi-program]; ignored", o.name)
		return
	}
	switch o.name {
	case "socket":
		if len(e.refs) > 0 {
			p.note("%s: not carried: a socket is bound before any variable is known; write the address itself", shown(o))
			cv.warn(o.pos, "socket: %q uses a variable: write the address itself", o.value)
			return
		}
		sock, err := spec.ParseSocket(e.text)
		if err != nil {
			cv.fail(o.pos, "socket: %v", err)
			return
		}
		if sock.Network == "unix" {
			if rest, ok := strings.CutPrefix(sock.Addr, "/var/run/"); ok {
				p.note("%s: /var/run is /run", shown(o))
				sock.Addr = "/run/" + rest
			}
			if _, err := spec.Parse("x", []byte("[programs.x]\ncommand = [\"x\"]\nsocket = "+quote(sock.String())+"\n")); err != nil {
				p.note("%s: not carried: appstart binds sockets where the container may write (/run, /tmp, /app/data)", shown(o))
				cv.warn(o.pos, "socket: %s is on the read-only root: put it under /run", sock.Addr)
				return
			}
		}
		p.set("socket", quote(sock.String()))
	case "socket_owner":
		if !spec.IsAccountName(strings.SplitN(e.text, ":", 2)[0]) {
			cv.fail(o.pos, "socket_owner: %q is not a user[:group]", e.text)
			return
		}
		p.set("socket_owner", quote(e.text))
	case "socket_mode":
		m := strings.TrimPrefix(e.text, "0")
		if len(m) < 3 || len(m) > 4 || strings.Trim(m, "01234567") != "" {
			cv.fail(o.pos, "socket_mode: %q is not an octal mode", e.text)
			return
		}
		p.set("socket_mode", quote("0"+m))
	case "socket_backlog":
		p.note("%s: appstart listens with the kernel's default backlog (net.core.somaxconn)", shown(o))
	}
}
