package main

import (
	"fmt"
	"time"
)

// oneChildNote is the footnote of every cell where tini or dumb-init ran
// several programs through sh -c.
const oneChildNote = "tini and dumb-init run one child only: the programs ran as `sh -c 'P1 & P2 & exec P3'` (`... & wait` for programs that end), and only PID 1 is measured, not the sh."

func sleepers(n int) []program {
	ps := make([]program, n)
	for i := range ps {
		ps[i] = program{name: fmt.Sprintf("s%d", i+1), argv: []string{"sleep", "1000"}}
	}
	return ps
}

// measureRSS reads PID 1's VmRSS from the host once three `sleep 1000`
// programs run and the init has been idle for -settle. appstart's start
// ends when its programs are ready, startsecs (1 s) after they began: a
// 1 s settle read it while it released its start-up code, 2.8 or 5.9 MiB
// by the luck of the race.
func (b *bench) measureRSS(t *table) {
	cells := map[peerKind]string{}
	j := job{programs: sleepers(3)}
	for _, p := range b.peers {
		if p.missing != "" {
			continue
		}
		rss, err := b.idleRSS(p, j)
		if err != nil {
			cells[p.kind] = failed(err)
			continue
		}
		cells[p.kind] = fmtMiB(rss.total)
		if p.kind == kindAppstart || p.kind == kindGoFloor {
			cells[p.kind] += fmt.Sprintf(" (anon %s, file %s)", fmtMiB(rss.anon), fmtMiB(rss.file))
		}
		if p.kind == kindTini || p.kind == kindDumbInit {
			cells[p.kind] += t.note(oneChildNote)
		}
		b.progress("%s: VmRSS %s", p.kind, cells[p.kind])
	}
	t.add("idle VmRSS of PID 1, 3 programs (`sleep 1000`)", "appstart ≤ go-floor + 1.5 MiB (issue 19)", cells)
}

// rssFigure is VmRSS and its anonymous and file-backed parts, in bytes.
type rssFigure struct{ total, anon, file int64 }

func (b *bench) idleRSS(p peer, j job) (rssFigure, error) {
	in, err := b.launch(p, j, nil)
	if err != nil {
		return rssFigure{}, err
	}
	defer in.Close()
	if err := b.waitForComm(in.Pid1(), "sleep", len(j.programs)); err != nil {
		return rssFigure{}, err
	}
	time.Sleep(b.cfg.settle) // idle is the point: the start is over
	var f rssFigure
	if f.total, err = b.proc.vmRSS(in.Pid1()); err != nil {
		return f, err
	}
	f.anon, f.file, err = b.proc.rssParts(in.Pid1())
	return f, err
}
