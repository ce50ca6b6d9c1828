package startsh

import (
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// memExpr is a size computed from the cgroup memory limit, written with
// appstart's integer filters: ${APPSTART_MEMORY_LIMIT_MB|sub:1024|div:768}.
type memExpr struct {
	bytes   bool  // still in bytes: the script has not divided down to MiB yet
	div     int64 // in bytes: what it has divided by so far
	swap    bool  // memory.memsw (v1's memory+swap: the app's whole memoryLimit)
	filters []string
}

func (m memExpr) String() string {
	v := "APPSTART_MEMORY_LIMIT_MB"
	if m.swap {
		v = "APPSTART_MEMORY_SWAP_LIMIT_MB"
	}
	if len(m.filters) == 0 {
		return "${" + v + "}"
	}
	return "${" + v + "|" + strings.Join(m.filters, "|") + "}"
}

func (m memExpr) with(f string) memExpr {
	m.filters = append(append([]string(nil), m.filters...), f)
	return m
}

// cgroupRead recognises $(cat /sys/fs/cgroup/.../memory.max) and the v1
// limit files, with or without a fallback after || or 2>/dev/null.
func (c *conv) cgroupRead(w *syntax.Word) (memExpr, bool) {
	if len(w.Parts) == 1 {
		if dq, ok := w.Parts[0].(*syntax.DblQuoted); ok && len(dq.Parts) == 1 {
			w = &syntax.Word{Parts: dq.Parts}
		}
	}
	if len(w.Parts) != 1 {
		return memExpr{}, false
	}
	cs, ok := w.Parts[0].(*syntax.CmdSubst)
	if !ok || len(cs.Stmts) != 1 {
		return memExpr{}, false
	}
	src := c.text(cs)
	if !strings.Contains(src, "/sys/fs/cgroup") || !strings.Contains(src, "memory") || strings.Contains(src, "usage") {
		return memExpr{}, false
	}
	return memExpr{bytes: true, div: 1, swap: strings.Contains(src, "memsw")}, true
}

// arith converts an arithmetic expression over the memory limit: each
// step an integer operation by a constant, as the filters are.
func (c *conv) arith(x syntax.ArithmExpr) (memExpr, bool) {
	switch x := x.(type) {
	case *syntax.ParenArithm:
		return c.arith(x.X)
	case *syntax.Word:
		if m, ok := c.cgroupRead(x); ok {
			return m, true
		}
		name := x.Lit()
		if len(x.Parts) == 1 {
			if p, ok := x.Parts[0].(*syntax.ParamExp); ok && p.Param != nil && p.Exp == nil {
				name = p.Param.Value
			}
		}
		m, ok := c.memVars[name]
		return m, ok
	case *syntax.BinaryArithm:
		m, ok := c.arith(x.X)
		if !ok {
			return m, false
		}
		n, ok := constant(x.Y)
		if !ok || n <= 0 {
			return m, false
		}
		if m.bytes {
			if x.Op != syntax.Quo {
				return m, false
			}
			m.div *= n
			switch {
			case m.div == 1<<20:
				m.bytes, m.div = false, 1
			case m.div > 1<<20 && m.div%(1<<20) == 0:
				m.bytes = false
				m = m.with("div:" + strconv.FormatInt(m.div/(1<<20), 10))
				m.div = 1
			case (1<<20)%m.div != 0:
				return m, false
			}
			return m, true
		}
		ops := map[syntax.BinAritOperator]string{syntax.Add: "add", syntax.Sub: "sub", syntax.Mul: "mul", syntax.Quo: "div"}
		op, ok := ops[x.Op]
		if !ok {
			return m, false
		}
		return m.with(op + ":" + strconv.FormatInt(n, 10)), true
	}
	return memExpr{}, false
}

// constant evaluates an arithmetic expression of literal numbers.
func constant(x syntax.ArithmExpr) (int64, bool) {
	switch x := x.(type) {
	case *syntax.Word:
		n, err := strconv.ParseInt(x.Lit(), 10, 64)
		return n, err == nil
	case *syntax.ParenArithm:
		return constant(x.X)
	case *syntax.BinaryArithm:
		a, ok1 := constant(x.X)
		b, ok2 := constant(x.Y)
		if !ok1 || !ok2 {
			return 0, false
		}
		switch x.Op {
		case syntax.Add:
			return a + b, true
		case syntax.Sub:
			return a - b, true
		case syntax.Mul:
			return a * b, true
		case syntax.Quo:
			if b == 0 {
				return 0, false
			}
			return a / b, true
		case syntax.Pow:
			r := int64(1)
			for range b {
				r *= a
			}
			return r, b >= 0 && b < 63
		}
	}
	return 0, false
}

// clamp recognises `(( n < 1 )) && n=1` and `[[ $n -lt 1 ]] && n=1` on a
// memory variable: the max: (or min:) filter.
func (c *conv) clamp(b *syntax.BinaryCmd) bool {
	if b.Op != syntax.AndStmt {
		return false
	}
	call, ok := b.Y.Cmd.(*syntax.CallExpr)
	if !ok || len(call.Args) != 0 || len(call.Assigns) != 1 {
		return false
	}
	name := call.Assigns[0].Name.Value
	m, ok := c.memVars[name]
	if !ok || m.bytes {
		return false
	}
	to, err := strconv.ParseInt(call.Assigns[0].Value.Lit(), 10, 64)
	if err != nil {
		return false
	}
	var op string
	var lim int64
	switch x := b.X.Cmd.(type) {
	case *syntax.ArithmCmd:
		ba, ok := x.X.(*syntax.BinaryArithm)
		if !ok || strings.TrimPrefix(c.text(ba.X), "$") != name {
			return false
		}
		if lim, ok = constant(ba.Y); !ok {
			return false
		}
		switch ba.Op {
		case syntax.Lss:
			op = "max"
		case syntax.Gtr:
			op = "min"
		}
	case *syntax.TestClause:
		bt, ok := x.X.(*syntax.BinaryTest)
		if !ok || strings.Trim(c.text(bt.X), `"${}`) != name {
			return false
		}
		n, err := strconv.ParseInt(c.text(bt.Y), 10, 64)
		if err != nil {
			return false
		}
		lim = n
		switch bt.Op {
		case syntax.TsLss:
			op = "max"
		case syntax.TsGtr:
			op = "min"
		}
	}
	if op == "" || lim != to {
		return false
	}
	m = m.with(op + ":" + strconv.FormatInt(to, 10))
	c.memVars[name] = m
	c.setEnv(name, m.String())
	return true
}
