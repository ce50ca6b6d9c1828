package app

import (
	"runtime"
	"sync"
)

// spareThreads is how many OS threads appstart makes once its programs run
// (runner.settle) and keeps.
const spareThreads = 16

// reserveThreads makes the Go runtime create n OS threads now and keep them:
// a runtime that needs one more thread later (a blocking fork, an fsync, a
// locked thread) and cannot get it because a program holds the pids limit
// dies with "fatal error: newosproc", which no recover catches, and takes
// the container with it (TestFaultForkBomb). The runtime never destroys an
// idle thread (an M parks on the idle list), so threads made while forks
// still succeed are there when they no longer do. Each costs one task of
// pids.max and its kernel stack; nothing runs on them while idle.
func reserveThreads(n int) {
	var locked, release sync.WaitGroup
	locked.Add(n)
	release.Add(1)
	for range n {
		go func() {
			// A locked goroutine owns its thread, so n of them at once
			// need n threads.
			runtime.LockOSThread()
			locked.Done()
			release.Wait()
			runtime.UnlockOSThread()
		}()
	}
	locked.Wait()
	release.Done()
}
