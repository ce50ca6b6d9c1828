package control

import (
	"fmt"
	"net"
	"syscall"
)

// peerCred returns the credentials the kernel recorded for the other end
// of a unix stream socket (SO_PEERCRED, unix(7)): for an accepted
// connection the client at connect(2), for a dialled one the server at
// listen(2). They cannot be forged by the peer, unlike anything it sends.
func peerCred(c *net.UnixConn) (*syscall.Ucred, error) {
	raw, err := c.SyscallConn()
	if err != nil {
		return nil, fmt.Errorf("cannot read peer credentials: %w", err)
	}
	var cred *syscall.Ucred
	var credErr error
	if err := raw.Control(func(fd uintptr) {
		cred, credErr = syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
	}); err != nil {
		return nil, fmt.Errorf("cannot read peer credentials: %w", err)
	}
	if credErr != nil {
		return nil, fmt.Errorf("cannot read peer credentials: %w", credErr)
	}
	return cred, nil
}
