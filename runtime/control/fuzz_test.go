package control

import (
	"bufio"
	"context"
	"net"
	"testing"
	"time"
)

// FuzzRequest sends arbitrary bytes as a request line to a real server:
// whatever they are, the server answers or hangs up within its deadlines,
// never panics, and still serves a valid request afterwards.
func FuzzRequest(f *testing.F) {
	for _, seed := range []string{
		`{"v":1,"op":"status"}`,
		`{"v":1,"op":"logs","name":"web","n":5}`,
		`{"v":1,"op":"signal","names":["web"],"signal":1}`,
		`{"v":1,"op":"follow","name":"","n":-1}`,
		`{"v":2,"op":"status"}`,
		`{"v":1,"op":"stop","names":[]}`,
		`{"v":1,"op":"start","names":["a","b","c"]}`,
		`{"v":1}`, `{}`, `[]`, `null`, `{"v":1,"op":"status"`, "\x00\xff", "",
	} {
		f.Add([]byte(seed))
	}
	fake := newFake()
	fake.programs = sample
	_, path := serve(f, fake, Options{ReadTimeout: 200 * time.Millisecond, WriteTimeout: 200 * time.Millisecond, OpTimeout: time.Second})
	f.Fuzz(func(t *testing.T, line []byte) {
		conn, err := net.DialTimeout("unix", path, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		conn.SetDeadline(time.Now().Add(300 * time.Millisecond)) // short: the fuzz engine waits ~1s at its end
		conn.Write(append(line, '\n'))
		// Read whatever comes back until the server hangs up or the deadline:
		// a follow request streams, so it is cut off by closing.
		r := bufio.NewReader(conn)
		for i := 0; i < 4; i++ {
			if _, err := r.ReadBytes('\n'); err != nil {
				break
			}
		}
		conn.Close()
		c, err := Dial(path)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := c.Status(ctx); err != nil {
			t.Fatalf("after %q the server no longer answers: %v", line, err)
		}
	})
}
