#include "textflag.h"

// func prefixLinesAVX2(dst, src []byte, prefix *[32]byte, plen, max int) (nDst, nSrc int)
//
// Scan and copy in one pass. src is read in fixed 32-byte blocks, each
// stored to dst at its place in the output as soon as it is loaded: the
// next load never waits for where a line ended, so the lines overlap in
// the CPU (a loop that restarts its scan after each '\n' runs at the
// latency of load, compare and bit scan, about twice as slow). Each '\n'
// in a block then costs a store of the prefix after it and a reload of
// src from the next line's start, stored shifted by the prefix: that
// rewrites the rest of the block, which the block's own store had put
// plen bytes too early.
//
// SI, R9: src, len(src)-32 (the last offset a load may start at).
// DI, R8: dst, len(dst)-32 (the same for stores).
// Y0, R10: the prefix (zero-padded to 32 bytes), its length.
// Y1: '\n' in every byte. R11: max.
// AX: the block's offset in src. BX: how much further the current line
// sits in dst (plen times the lines begun).
// CX, DX: the current line's start in src and its prefix's offset in dst:
// everything before them is done, so they are what a stop returns.
// R13: the last AX this line may load at (the bounds, and max).
// R12: the block's '\n' bits. R14: scratch.
TEXT ·prefixLinesAVX2(SB), NOSPLIT, $0-88
	MOVQ	dst_base+0(FP), DI
	MOVQ	dst_len+8(FP), R8
	MOVQ	src_base+24(FP), SI
	MOVQ	src_len+32(FP), R9
	MOVQ	prefix+48(FP), R12
	VMOVDQU	(R12), Y0
	MOVQ	plen+56(FP), R10
	MOVQ	max+64(FP), R11
	MOVL	$0x0a, R12
	MOVQ	R12, X1
	VPBROADCASTB	X1, Y1
	// Signed compares throughout: R8 and R9 are negative for short slices.
	SUBQ	$32, R8
	SUBQ	$32, R9
	XORL	AX, AX
	XORL	CX, CX
	XORL	DX, DX
	// The first line's prefix; the first block goes right after it.
	CMPQ	R10, R8
	JGT	done
	VMOVDQU	Y0, (DI)
	MOVQ	R10, BX

bounds:
	// R13 = min(R9, R8-BX, CX+max). A block at AX stores at AX+BX. One
	// starting past CX+max would make the current line, none of whose
	// bytes so far is '\n', longer than max.
	MOVQ	R8, R13
	SUBQ	BX, R13
	CMPQ	R13, R9
	CMOVQGT	R9, R13
	LEAQ	(CX)(R11*1), R14
	CMPQ	R13, R14
	CMOVQGT	R14, R13

	PCALIGN	$32
block:
	CMPQ	AX, R13
	JGT	done
	VMOVDQU	(SI)(AX*1), Y2
	LEAQ	(AX)(BX*1), R14
	VMOVDQU	Y2, (DI)(R14*1)
	VPCMPEQB	Y1, Y2, Y3
	VPMOVMSKB	Y3, R12
	TESTL	R12, R12
	JNZ	newline
	ADDQ	$32, AX
	JMP	block

newline:
	// The line from CX ends at the lowest '\n' left in R12.
	BSFL	R12, R14
	ADDQ	AX, R14
	SUBQ	CX, R14 // the text's length
	CMPQ	R14, R11
	JGT	done
	LEAQ	1(CX)(R14*1), CX
	LEAQ	(CX)(BX*1), DX
	// The line is complete in dst; the next one's prefix and reload
	// need room, or prefixLinesGo takes over from here.
	CMPQ	CX, R9
	JGT	done
	ADDQ	R10, BX
	LEAQ	(CX)(BX*1), R14
	CMPQ	R14, R8
	JGT	done
	VMOVDQU	Y0, (DI)(DX*1)
	VMOVDQU	(SI)(CX*1), Y3
	VMOVDQU	Y3, (DI)(R14*1)
	LEAL	-1(R12), R14 // clear the lowest bit
	ANDL	R14, R12
	JNZ	newline
	ADDQ	$32, AX
	JMP	bounds

done:
	MOVQ	DX, nDst+72(FP)
	MOVQ	CX, nSrc+80(FP)
	VZEROUPPER
	RET

// func cpuHasAVX2() bool
//
// What golang.org/x/sys/cpu's HasAVX2 says, asked on first use instead of
// at package init: the CPU has AVX and AVX2 (CPUID leaves 1 and 7) and the
// kernel saves the YMM registers (OSXSAVE, then XCR0 bits 1 and 2).
TEXT ·cpuHasAVX2(SB), NOSPLIT, $0-1
	XORL CX, CX
	MOVL $0, AX
	CPUID
	CMPL AX, $7
	JLT  no
	MOVL $1, AX
	XORL CX, CX
	CPUID
	ANDL $0x18000000, CX // OSXSAVE (bit 27), AVX (bit 28)
	CMPL CX, $0x18000000
	JNE  no
	XORL CX, CX
	XGETBV
	ANDL $6, AX // XMM and YMM state
	CMPL AX, $6
	JNE  no
	MOVL $7, AX
	XORL CX, CX
	CPUID
	BTL  $5, BX // AVX2
	JCC  no
	MOVB $1, ret+0(FP)
	RET
no:
	MOVB $0, ret+0(FP)
	RET
