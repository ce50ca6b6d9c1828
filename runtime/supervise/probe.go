package supervise

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Probe is one readiness or health check; nil means it passed. Check must
// return soon after ctx is done.
type Probe interface {
	Check(ctx context.Context) error
}

// ProbeFunc adapts a function, such as a command run through proc, to Probe.
type ProbeFunc func(ctx context.Context) error

func (f ProbeFunc) Check(ctx context.Context) error { return f(ctx) }

// TCPProbe passes when a TCP connection to Addr is accepted.
type TCPProbe struct{ Addr string }

func (t TCPProbe) Check(ctx context.Context) error {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", t.Addr)
	if err != nil {
		return fmt.Errorf("cannot connect to %s: %w", t.Addr, err)
	}
	return c.Close()
}

// FileProbe passes when Path exists.
type FileProbe struct{ Path string }

func (f FileProbe) Check(context.Context) error {
	if _, err := os.Stat(f.Path); err != nil {
		return fmt.Errorf("cannot find %s: %w", f.Path, err)
	}
	return nil
}

// staleSlack allows for the kernel's coarse file timestamps (a jiffy
// behind the wall clock): a file the new process made right after its
// spawn is never taken for an old one, and one an earlier process left
// is older than any restart's backoff.
const staleSlack = 20 * time.Millisecond

// CheckSince passes only for a file changed since the process started: a
// php-fpm socket or a ready file left by the process before it (a crash,
// a restart) is not this process being ready.
func (f FileProbe) CheckSince(_ context.Context, started time.Time) error {
	st, err := os.Stat(f.Path)
	if err != nil {
		return fmt.Errorf("cannot find %s: %w", f.Path, err)
	}
	if st.ModTime().Before(started.Add(-staleSlack)) {
		return fmt.Errorf("%s is left from before this start (changed %s, started %s)", f.Path, st.ModTime().Format(time.TimeOnly), started.Format(time.TimeOnly))
	}
	return nil
}

// sinceProbe is a probe that judges what it sees against when the process
// it checks started (the wall clock, as file times are).
type sinceProbe interface {
	CheckSince(ctx context.Context, started time.Time) error
}

// HTTPProbe passes when a GET of URL answers with a status below 400. A
// redirect is an answer, not followed (a login redirect means the app is
// up). It speaks just enough HTTP/1.1 over net rather than importing
// net/http, which would add megabytes to a binary whose RSS budget is
// 4 MiB; plain http only, as checks target the program on localhost.
type HTTPProbe struct{ URL string }

func (h HTTPProbe) Check(ctx context.Context) error {
	u, err := url.Parse(h.URL)
	if err != nil || u.Scheme != "http" {
		return fmt.Errorf("cannot check %s: not an http:// URL", h.URL)
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "80")
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return fmt.Errorf("cannot check %s: %w", h.URL, err)
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		c.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { c.Close() }) // cancellation without a deadline
	defer stop()
	req := "GET " + u.RequestURI() + " HTTP/1.1\r\nHost: " + u.Host +
		"\r\nUser-Agent: appstart\r\nAccept: */*\r\nConnection: close\r\n\r\n"
	if _, err := c.Write([]byte(req)); err != nil {
		return fmt.Errorf("cannot check %s: %w", h.URL, err)
	}
	code, err := readStatus(bufio.NewReader(c))
	if err != nil {
		return fmt.Errorf("cannot check %s: %w", h.URL, err)
	}
	if code >= 400 {
		return fmt.Errorf("%s answered %d", h.URL, code)
	}
	return nil
}

// readStatus parses an HTTP status line: "HTTP/1.1 204 No Content" -> 204.
func readStatus(r *bufio.Reader) (int, error) {
	line, err := r.ReadString('\n')
	if err != nil && line == "" {
		return 0, err
	}
	proto, rest, _ := strings.Cut(strings.TrimRight(line, "\r\n"), " ")
	codeText, _, _ := strings.Cut(rest, " ")
	code, err := strconv.Atoi(codeText)
	if !strings.HasPrefix(proto, "HTTP/") || err != nil || code < 100 || code > 999 {
		return 0, errors.New("not an HTTP response: " + strconv.Quote(line))
	}
	return code, nil
}
