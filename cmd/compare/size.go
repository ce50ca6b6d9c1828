package main

import (
	"debug/elf"
	"fmt"
	"os"
)

// measureSize reports each init's binary on disk, and whether it needs a
// dynamic loader (a static binary runs in any image, FROM scratch included).
func (b *bench) measureSize(t *table) {
	cells := map[peerKind]string{}
	for _, p := range b.peers {
		if p.missing != "" {
			continue
		}
		if p.kind == kindSupervisord {
			cells[p.kind] = "n/a (python)"
			continue
		}
		cells[p.kind] = describeBinary(p.path)
		if p.kind == kindTini {
			if dyn := lookFirst("tini"); dyn != "" && dyn != p.path {
				cells[p.kind] += "; tini " + describeBinary(dyn)
			}
		}
	}
	t.add("binary size", "—", cells)
}

// describeBinary gives "3.6 MiB, static" for path, naming the file when it
// is not the init's usual name.
func describeBinary(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return failed(err)
	}
	return fmt.Sprintf("%s, %s", fmtSize(fi.Size()), linkage(path))
}

// linkage is "static" for an ELF file without a PT_INTERP program header.
func linkage(path string) string {
	f, err := elf.Open(path)
	if err != nil {
		return "not ELF"
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return "dynamic"
		}
	}
	return "static"
}
