// Package control is appstart's control socket: the protocol, the server
// that `appstart run` keeps open under /run, and the client behind
// `appstart status|start|stop|restart|signal|logs|health`. It also holds
// the run lock that keeps two appstarts from running the same spec.
//
// The package is a leaf: it knows nothing of the supervisor or the log
// sink. The server calls a Backend that the app implements by converting
// supervise.Status and logfwd lines into the plain types here.
//
// The wire format is newline-delimited JSON, one request per connection:
//
//	→ {"v":1,"op":"stop","names":["web"]}
//	← {"v":1,"done":true}
//
//	→ {"v":1,"op":"logs","names":["web"],"n":2,"follow":true}
//	← {"v":1,"lines":[{"name":"web","text":"GET / 200","time":"2026-12-06T19:09:28.048Z"},{"name":"web","text":"GET /a 404","time":"..."}]}
//	← {"v":1,"lines":[{"name":"web","text":"GET /b 200","time":"..."}]}     (as they are written)
//	← {"v":1,"done":true}                                                    (when appstart stops)
//
// Without names, logs is one timeline of every program and of appstart's
// own messages (name "appstart"); "since" (RFC 3339) keeps later lines only.
//
// A failure is one object with "error" and ends the exchange:
//
//	← {"v":1,"error":{"code":"failed","message":"cannot stop nope: no program called nope"}}
//
// Only root (or the user appstart itself runs as) may use the socket: the
// file is 0600 in a 0700 directory, and the server checks SO_PEERCRED of
// every connection as well (unix(7)), so a program running as the app user
// cannot stop its neighbours.
//
// Wiring, in `appstart run`:
//
//	release, _, err := control.Lock(control.LockPath(control.DefaultDir, specPath))
//	if err != nil {
//		return err // "another appstart is running this spec: pid 42 holds /run/appstart/1f2e….lock"
//	}
//	defer release()
//	srv, err := control.Listen(control.DefaultSocket, backend)
//	if err != nil {
//		return err
//	}
//	go srv.Serve(ctx)
//	defer srv.Close()
//
// and in `appstart status`:
//
//	c, err := control.Dial(control.DefaultSocket)
//	ps, err := c.Status(ctx)
//	control.FormatStatus(os.Stdout, ps)
package control
