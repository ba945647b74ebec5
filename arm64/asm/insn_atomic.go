package asm

import (
	"github.com/kpemu/kpemu/arm64"
)

// LSE atomic add (Arm ARM C6.2 LDADD, LDADDA, LDADDAL, LDADDL and the B/H
// forms; STADD, STADDL and the B/H forms, which are LDADD with Rt = ZR).
// The other atomic operations follow the same pattern: see atomicOp.

func init() {
	registerAtomic("add", arm64.LDADD)
}

// registerAtomic registers LD<op>{,A,AL,L}{,B,H} and ST<op>{,L}{,B,H} of
// an LSE atomic memory operation.
func registerAtomic(name string, op arm64.Op) {
	for _, order := range []struct {
		suffix           string
		acquire, release bool
	}{{"", false, false}, {"a", true, false}, {"al", true, true}, {"l", false, true}} {
		for _, sz := range []struct {
			suffix string
			size   int
		}{{"", -1}, {"b", 0}, {"h", 1}} {
			spec := atomicSpec{op: op, acquire: order.acquire, release: order.release, size: sz.size}
			register("ld"+name+order.suffix+sz.suffix, func(c *Ctx, o []Operand) (arm64.Inst, error) {
				return atomicOp(c, spec, o, false)
			})
			if !order.acquire {
				register("st"+name+order.suffix+sz.suffix, func(c *Ctx, o []Operand) (arm64.Inst, error) {
					return atomicOp(c, spec, o, true)
				})
			}
		}
	}
}

type atomicSpec struct {
	op               arm64.Op
	acquire, release bool
	size             int // log2 bytes; -1: from the registers (W 2, X 3)
}

// atomicOp: LD<op> <Rs>, <Rt>, [<Xn|SP>] or ST<op> <Rs>, [<Xn|SP>].
func atomicOp(c *Ctx, spec atomicSpec, o []Operand, store bool) (arm64.Inst, error) {
	n := 3
	if store {
		n = 2
	}
	if err := c.Want(o, n, n); err != nil {
		return arm64.Inst{}, err
	}
	sf := false
	if spec.size < 0 {
		_, sf, _ = c.GPR(o[0], WithZR)
	}
	size := spec.size
	if size < 0 {
		size = 2
		if sf {
			size = 3
		}
	}
	s, err := c.GPRSized(o[0], WithZR, sf)
	if err != nil {
		return arm64.Inst{}, err
	}
	t := arm64.ZR
	if !store {
		if t, err = c.GPRSized(o[1], WithZR, sf); err != nil {
			return arm64.Inst{}, err
		}
	}
	// [xn] or [xn, #0] with a literal 0, as GNU as takes it.
	base, err := c.BaseOnly(o[n-1])
	if err != nil {
		return arm64.Inst{}, err
	}
	return arm64.Inst{Op: spec.op, Size: uint8(size), Sf: sf, Rs: s, Rt: t, Rn: base,
		Acquire: spec.acquire, Release: spec.release}, nil
}
