package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/loader"
)

// gcdSource is a kernel-style function, assembled by kpemu's own
// assembler when the demo starts.
const gcdSource = `
	.text
	.globl	gcd
	.type	gcd, %function
gcd:
	paciasp
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
1:	cbz	x1, 2f
	udiv	x2, x0, x1
	msub	x2, x2, x1, x0
	mov	x0, x1
	mov	x1, x2
	b	1b
2:	ldp	x29, x30, [sp], #16
	autiasp
	ret
	.size	gcd, .-gcd
`

const (
	codeBase  uint64 = 0xffff_8000_1000_0000
	stackBase uint64 = 0xffff_8000_3000_0000
	stackSize uint64 = 0x4000
	brkOffset        = 0x10 // the udiv
)

func demo(w io.Writer) error {
	ctx := context.Background()
	m, err := emu.New(nil)
	if err != nil {
		return err
	}
	l, err := loader.LoadSource(m, "gcd.s", []byte(gcdSource), &loader.Options{Base: codeBase})
	if err != nil {
		return err
	}
	gcd, _ := l.Symbols.LookupName("gcd")
	if err := m.Map(stackBase, stackSize, emu.PermRW); err != nil {
		return err
	}
	// objdump names a branch target <sym+0xoff> (no size).
	objdumpSym := func(a uint64) (string, bool) {
		loc, ok := l.Symbols.LookupAddr(a)
		if !ok {
			return "", false
		}
		if loc.Offset == 0 {
			return loc.Symbol.Name, true
		}
		return fmt.Sprintf("%s+%#x", loc.Symbol.Name, loc.Offset), true
	}
	c := m.CPU(0)
	c.SetSP(stackBase + stackSize)

	f := m.Features()
	fmt.Fprintf(w, "kpemu demo: a kernel-style function on the emulated arm64 machine\n\n")
	fmt.Fprintf(w, "machine: %d CPU at EL%d, MIDR_EL1 %#x, FEAT_LSE=%v FEAT_PAuth=%v (paciasp/autiasp execute as NOPs)\n",
		m.CPUs(), c.EL(), mustSysReg(c, "MIDR_EL1"), f.LSE, f.PAuth)
	fmt.Fprintf(w, "gcd: assembled from source by kpemu, %d instructions at %#x, stack at %#x\n\n", gcd.Size/4, gcd.Addr, stackBase)

	// 1. Trace a call, instruction by instruction.
	fmt.Fprintf(w, "1. gcd(1071, 462), every instruction traced by a code hook:\n\n")
	var prev [32]uint64
	snapshot := func() {
		for i := 0; i < 31; i++ {
			prev[i] = c.X(i)
		}
		prev[31] = c.SP()
	}
	var pending string
	flush := func() {
		if pending == "" {
			return
		}
		var changed []string
		for i := 0; i < 31; i++ {
			if c.X(i) != prev[i] {
				changed = append(changed, fmt.Sprintf("x%d=%#x", i, c.X(i)))
			}
		}
		if c.SP() != prev[31] {
			changed = append(changed, fmt.Sprintf("sp=%#x", c.SP()))
		}
		fmt.Fprintln(w, strings.TrimRight(fmt.Sprintf("%-66s %s", pending, strings.Join(changed, " ")), " "))
		pending = ""
	}
	trace := m.AddCodeHook(gcd.Addr, gcd.Addr+gcd.Size-1, func(c *emu.CPU, pc uint64, in *arm64.Inst) {
		flush()
		snapshot()
		pending = fmt.Sprintf("  %-16s %08x  %s", m.Symbolize(pc), in.Word, columns(arm64.Disasm(*in, pc, objdumpSym)))
	})
	snapshot()
	start := c.Retired()
	x0, err := m.Call(ctx, gcd.Addr, []uint64{1071, 462}, nil)
	flush()
	if err != nil {
		return err
	}
	m.RemoveHook(trace)
	fmt.Fprintf(w, "\n  returned x0 = %d after %d instructions\n\n", x0, c.Retired()-start)

	// 2. A BRK over an instruction, taken to a Go handler.
	orig, err := m.Memory().ReadU32(gcd.Addr + brkOffset)
	if err != nil {
		return err
	}
	const brk4 = 0xd4200080 // brk #0x4, the immediate arm64 kprobes use
	fmt.Fprintf(w, "2. brk #0x4 written over %s (%s); a Go handler takes the exception:\n\n",
		m.Symbolize(gcd.Addr+brkOffset), disasm(orig))
	if err := m.Memory().WriteU32(gcd.Addr+brkOffset, brk4); err != nil {
		return err
	}
	hits := 0
	m.HandleException(emu.ECBRK64, func(c *emu.CPU, e *emu.Exception) (bool, error) {
		if e.Imm16() != 0x4 {
			return false, nil // not ours: as Linux walks break hooks by immediate
		}
		hits++
		fmt.Fprintf(w, "  exception: %v\n", e.EC)
		fmt.Fprintf(w, "    ESR_EL1  0x%08x  (EC %#x, IL 1, ISS imm16 %#x)\n", c.ESR(), uint8(e.EC), e.Imm16())
		fmt.Fprintf(w, "    ELR_EL1  %#x  %s\n", c.ELR(), m.Symbolize(c.ELR()))
		fmt.Fprintf(w, "    SPSR_EL1 0x%08x  (the interrupted PSTATE: EL1h, DAIF %#x)\n", c.SPSR(), c.SPSR()&emu.PSR_DAIF>>6)
		fmt.Fprintf(w, "    PSTATE now: EL%d, DAIF %#x (all masked), PC at VBAR_EL1+%#x\n", c.EL(), c.DAIF()>>6, e.Vector)
		fmt.Fprintf(w, "    x0=%d x1=%d: the handler restores %s and returns (ERET to ELR_EL1)\n", c.X(0), c.X(1), disasm(orig))
		if err := m.Memory().WriteU32(c.ELR(), orig); err != nil {
			return false, err
		}
		return true, nil
	})
	x0, err = m.Call(ctx, gcd.Addr, []uint64{1071, 462}, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\n  returned x0 = %d; the handler ran %d time(s)\n\n", x0, hits)

	// 3. Nobody handles a BRK: the run stops with a typed error that says where.
	if err := m.Memory().WriteU32(gcd.Addr+brkOffset, 0xd4200020); err != nil { // brk #0x1
		return err
	}
	fmt.Fprintf(w, "3. brk #0x1 with no handler for its class stops the run with an error:\n\n")
	_, err = m.Call(ctx, gcd.Addr, []uint64{1071, 462}, nil)
	var ee *emu.ExceptionError
	if !errors.As(err, &ee) {
		return fmt.Errorf("an unhandled BRK should stop the run with an *emu.ExceptionError, got %v", err)
	}
	fmt.Fprintf(w, "  %v\n\n", err)
	fmt.Fprintf(w, "  the CPU is left at the BRK: pc %s, x0=%d x1=%d\n", m.Symbolize(c.PC()), c.X(0), c.X(1))
	return nil
}

func disasm(word uint32) string {
	in, err := arm64.Decode(word)
	if err != nil {
		return fmt.Sprintf(".inst %#08x", word)
	}
	return columns(arm64.GNUSyntax(in))
}

// columns lays out objdump's "mnemonic<TAB>operands" in fixed columns.
func columns(s string) string {
	if m, ops, ok := strings.Cut(s, "\t"); ok {
		return fmt.Sprintf("%-7s %s", m, ops)
	}
	return s
}

func mustSysReg(c *emu.CPU, name string) uint64 {
	r, ok := arm64.LookupSysReg(name)
	if !ok {
		return 0
	}
	v, _ := c.SysReg(r)
	return v
}
