package asm

import "fmt"

// Literal pools: "ldr x0, =value" puts the value in a pool of the
// instruction's section (Ctx.Literal) and loads it PC-relative. GNU as
// keeps one pool per section and entry size; a pool is emitted at .ltorg
// (.pool) and at the end of the section.

// litPool is one literal pool: the entries collected since the last
// flush of a section, laid out at the next one.
type litPool struct {
	entries []*litEntry
	keys    map[string]*litEntry
	seq     int // the section's flush that lays it out
}

type litEntry struct {
	expr *Expr
	size int
	pos  Pos
	off  uint64 // offset in the section (pass 1)
}

// poolEntry adds a literal to the current pool of sec, or returns the
// equal entry already there.
func (a *assembler) poolEntry(sec *section, l *litEntry, addr uint64) *litEntry {
	if sec.pool == nil {
		sec.pool = &litPool{keys: map[string]*litEntry{}}
	}
	key := fmt.Sprintf("#%p", l)
	if v, err := a.eval(l.expr, sec, addr); err == nil {
		if v.isAbs() {
			key = fmt.Sprintf("%d:%d", l.size, v.off)
		} else if s, ok := v.single(); ok && s.name != "." {
			key = fmt.Sprintf("%d:%p%+d", l.size, s, v.off)
		}
	}
	if e, ok := sec.pool.keys[key]; ok {
		return e
	}
	sec.pool.keys[key] = l
	sec.pool.entries = append(sec.pool.entries, l)
	return l
}

// flushPool lays out (pass 1) or emits (pass 2) the pending literal pool
// of sec at its current end: the 4-byte entries, then the 8-byte ones,
// then the 16-byte ones, each group aligned to its size with zeros, as
// GNU as does.
func (a *assembler) flushPool(sec *section) {
	sec.flushes++
	saved := a.cur
	a.cur = sec
	defer func() { a.cur = saved }()
	var pool *litPool
	if a.pass == 1 {
		pool, sec.pool = sec.pool, nil
		if pool == nil {
			return
		}
		pool.seq = sec.flushes
		sec.pools = append(sec.pools, pool)
	} else {
		for _, p := range sec.pools {
			if p.seq == sec.flushes {
				pool = p
			}
		}
		if pool == nil {
			return
		}
	}
	if sec.nobits {
		a.errs.errorf(pool.entries[0].pos, "literal pool in the no-bits section %s", sec.name)
		return
	}
	for _, size := range []int{4, 8, 16} {
		first := true
		for _, e := range pool.entries {
			if e.size != size {
				continue
			}
			if first {
				a.alignTo(uint64(size), []byte{0}, 0)
				first = false
			}
			if a.pass == 1 {
				e.off = sec.off
				a.emitZeros(uint64(size))
				continue
			}
			a.literalValue(e)
		}
	}
}

// literalValue emits one pool entry in pass 2.
func (a *assembler) literalValue(e *litEntry) {
	sec := a.cur
	if sec.off != e.off {
		a.errs.errorf(e.pos, "internal error: literal pool entry moved between passes")
	}
	a.data(e.expr, e.size, e.pos)
}
