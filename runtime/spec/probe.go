package spec

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// ParseReady reads a program's `ready`: "tcp://host:port", an http:// or
// https:// URL, "file:/path" (or file:///path), and anything else as a
// shell command that succeeds once the program is ready.
//
//	ParseReady("tcp://127.0.0.1:5432") // Probe{Kind: ProbeTCP, Target: "127.0.0.1:5432"}
//	ParseReady("pg_isready -q")        // Probe{Kind: ProbeCommand, Command: Command{Shell: "pg_isready -q"}}
func ParseReady(s string) (Probe, error) {
	switch {
	case strings.HasPrefix(s, "tcp://"):
		addr, err := parseAddr(strings.TrimPrefix(s, "tcp://"))
		if err != nil {
			return Probe{}, err
		}
		return Probe{Kind: ProbeTCP, Target: addr}, nil
	case strings.HasPrefix(s, "http://"), strings.HasPrefix(s, "https://"):
		u, err := parseHTTP(s)
		if err != nil {
			return Probe{}, err
		}
		return Probe{Kind: ProbeHTTP, Target: u}, nil
	case strings.HasPrefix(s, "file:"):
		p := strings.TrimPrefix(strings.TrimPrefix(s, "file:"), "//")
		if msg := absMsg(p); msg != "" {
			return Probe{}, fmt.Errorf(`%q: the path must be absolute and clean, such as "file:/run/app/ready"`, s)
		}
		return Probe{Kind: ProbeFile, Target: p}, nil
	case strings.TrimSpace(s) == "":
		return Probe{}, fmt.Errorf(`empty: write "tcp://127.0.0.1:3000", an http:// URL, "file:/path" or a command`)
	}
	if scheme, _, ok := strings.Cut(s, "://"); ok && !strings.ContainsAny(scheme, " \t/") {
		return Probe{}, fmt.Errorf(`unknown scheme %q: write "tcp://host:port", "http://..." or "file:/path" (a command must not look like a URL)`, scheme+"://")
	}
	return Probe{Kind: ProbeCommand, Command: Command{Shell: s}}, nil
}

// parseAddr checks "host:port" with a numeric port.
func parseAddr(s string) (string, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return "", fmt.Errorf(`%q is not host:port: write e.g. "127.0.0.1:3000"`, s)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("%q: the port must be a number 1-65535", s)
	}
	if host == "" {
		return "", fmt.Errorf(`%q has no host: write e.g. "127.0.0.1:%s"`, s, port)
	}
	return s, nil
}

func parseHTTP(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "", fmt.Errorf(`%q is not an http URL: write e.g. "http://127.0.0.1:3000/healthcheck"`, s)
	}
	return s, nil
}

func convReady(v any) (any, string) {
	s, msg := toString(v, `a probe such as "tcp://127.0.0.1:3000"`)
	if msg != "" {
		return nil, msg
	}
	p, err := ParseReady(s)
	if err != nil {
		return nil, err.Error()
	}
	return p, ""
}

func convURL(v any) (any, string) {
	s, msg := toString(v, `a URL such as "http://127.0.0.1:3000/"`)
	if msg != "" {
		return nil, msg
	}
	u, err := parseHTTP(s)
	if err != nil {
		return nil, err.Error()
	}
	return u, ""
}

func convAddr(v any) (any, string) {
	s, msg := toString(v, `an address such as "127.0.0.1:3000"`)
	if msg != "" {
		return nil, msg
	}
	a, err := parseAddr(strings.TrimPrefix(s, "tcp://"))
	if err != nil {
		return nil, err.Error()
	}
	return a, ""
}
