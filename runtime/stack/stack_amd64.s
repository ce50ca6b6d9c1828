#include "textflag.h"

// The frames are only declared: the stack-split prologue the assembler
// adds to each asks for room for them, which grows the stack, and the
// body returns without touching them.

// func To16K()
TEXT ·To16K(SB), 0, $12288-0
	RET

// func To8K()
TEXT ·To8K(SB), 0, $6144-0
	RET
