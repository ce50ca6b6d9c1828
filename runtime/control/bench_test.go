package control

import (
	"context"
	"testing"
)

// One `appstart status` round trip: dial, request, answer, close.
func BenchmarkStatusRoundTrip(b *testing.B) {
	f := newFake()
	f.programs = sample
	path := shortDir(b) + "/c.sock"
	srv, err := Listen(path, f)
	if err != nil {
		b.Fatal(err)
	}
	go srv.Serve(context.Background())
	defer srv.Close()
	c, _ := Dial(path)
	ctx := context.Background()
	for b.Loop() {
		if _, err := c.Status(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
