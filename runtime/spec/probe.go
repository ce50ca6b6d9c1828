package spec

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// ParseReady reads a program's `ready`: "tcp://host:port", an http:// URL,
// "file:/path" (or file:///path), and anything else as a shell command that
// succeeds once the program is ready. It is the only parser of probes: the
// supervisor gets the typed Probe, so what check accepts is what runs.
// https is refused rather than half-supported: a probe targets the program
// on localhost, where the certificate is the proxy's, not the program's,
// and TLS would add a megabyte of crypto to PID 1. A string that reads as
// an address ("127.0.0.1:8080", "tcp:8080", ":8080") is refused too: taken
// as a command it would fail until ready_timeout, silently.
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
	if addr, ok := looksLikeAddress(s); ok {
		return Probe{}, fmt.Errorf(`%q reads as an address, not a command: write "tcp://%s"`, s, addr)
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

// looksLikeAddress recognises "host:port", ":port" and "tcp:port", and
// returns the tcp:// address meant.
func looksLikeAddress(s string) (string, bool) {
	if strings.ContainsAny(s, " \t/") {
		return "", false
	}
	host, port, ok := strings.Cut(strings.TrimPrefix(s, "tcp:"), ":")
	if strings.HasPrefix(s, "tcp:") && !strings.Contains(s[4:], ":") {
		host, port, ok = "", s[4:], true
	}
	if !ok || port == "" || strings.Trim(port, "0123456789") != "" {
		return "", false
	}
	if host == "" || host == "localhost" {
		host = "127.0.0.1"
	}
	return host + ":" + port, true
}

func parseHTTP(s string) (string, error) {
	if strings.HasPrefix(s, "https://") {
		return "", fmt.Errorf(`%q: https is not supported: probe the program's own plain-http port on 127.0.0.1 (the platform terminates TLS), or use a command such as "curl -fsk %s"`, s, s)
	}
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
