package asm

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/arm64/obj"
)

// Test mnemonics for the handler framework (the zztest. prefix keeps them
// apart from real ones).
func init() {
	// Two handlers: the first fails on operand 1, the second on operand
	// 2; the second's error is the one reported, and a form that only
	// the first accepts comes from the first.
	register("zztest.two", func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 2, 2); err != nil {
			return arm64.Inst{}, err
		}
		if o[0].Kind != KindGPR {
			return arm64.Inst{}, c.Expected(o[0], "first-handler register")
		}
		return arm64.Inst{Op: arm64.HINT, Imm2: 1}, nil
	})
	register("zztest.two", func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if err := c.Want(o, 2, 2); err != nil {
			return arm64.Inst{}, err
		}
		if o[0].Kind != KindVector {
			return arm64.Inst{}, c.Expected(o[0], "second-handler vector")
		}
		if o[1].Kind != KindVector {
			return arm64.Inst{}, c.Expected(o[1], "second-handler vector")
		}
		return arm64.Inst{Op: arm64.HINT, Imm2: 2}, nil
	})
	register("zztest.panic", func(c *Ctx, o []Operand) (arm64.Inst, error) {
		_ = o[5] // a bug: index out of range
		return arm64.Inst{}, nil
	})
	register("zztest.lit", func(c *Ctx, o []Operand) (arm64.Inst, error) {
		if _, err := c.Literal(o[1], 8); err != nil {
			return arm64.Inst{}, err
		}
		c.Reloc(o[1].Expr, obj.R_AARCH64_ABS64)
		return arm64.Inst{}, c.Expected(o[0], "a failure")
	})
	register("zztest.lit", fixed(arm64.Inst{Op: arm64.HINT}))
	register("zztest.lit", func(c *Ctx, o []Operand) (arm64.Inst, error) {
		return arm64.Inst{Op: arm64.HINT}, nil
	})
	register("zztest.noencoder", fixed(arm64.Inst{Op: arm64.Op(arm64.NumOps - 1)}))
}

func TestHandlerSelection(t *testing.T) {
	o := asmOK(t, "\tzztest.two x0, x1\n\tzztest.two v0, v1\n")
	in := decodeText(t, o)
	assert.Equal(t, int64(1), in[0].Imm2, "the first handler")
	assert.Equal(t, int64(2), in[1].Imm2, "the second handler")

	_, err := Assemble("t.s", []byte("\tzztest.two v0, x1\n"))
	require.Error(t, err)
	assert.Equal(t, "t.s:1:17: expected second-handler vector but found 'x1'", err.Error(),
		"the error of the handler that got furthest")
	_, err = Assemble("t.s", []byte("\tzztest.two #1, x1\n"))
	assert.Equal(t, "t.s:1:13: expected first-handler register but found '#1'", err.Error(),
		"on a tie, the first handler's error")
}

func TestHandlerPanicIsAnError(t *testing.T) {
	_, err := Assemble("t.s", []byte("\tnop\n\tzztest.panic x0\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "t.s:2:2: internal error: the handler of 'zztest.panic' failed on 'zztest.panic x0'")
}

func TestEncodeErrorReported(t *testing.T) {
	_, err := Assemble("t.s", []byte("\tzztest.noencoder\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "t.s:1:2: cannot encode 'zztest.noencoder'")
}

// TestPilotMnemonics: every pilot mnemonic has a handler. (A mnemonic may
// have several, from several files: ldr takes general and FP registers.)
func TestPilotMnemonics(t *testing.T) {
	have := map[string]bool{}
	for _, m := range Mnemonics() {
		have[m] = true
	}
	for _, m := range []string{"add", "adds", "sub", "subs", "cmp", "cmn", "tst", "mov", "movz", "movn", "movk",
		"b", "bl", "b.eq", "beq", "b.hs", "cbz", "cbnz", "tbz", "tbnz", "br", "blr", "ret", "adr", "adrp",
		"ldr", "ldrb", "ldrsw", "str", "strh", "ldur", "sttrb", "ldp", "stp", "ldpsw", "ldnp", "stnp", "prfm", "prfum",
		"nop", "yield", "paciasp", "autiasp", "bti", "hint", "psb", "brk", "svc", "udf", "dmb", "dsb", "isb",
		"ssbb", "pssbb", "sb", "clrex", "mrs", "msr", "ldadd", "ldaddal", "ldaddlh", "stadd", "staddlb"} {
		assert.True(t, have[m], m)
	}
}

// TestOperandParse checks the generic operand parser on every kind.
func TestOperandParse(t *testing.T) {
	parse := func(src string) []Operand {
		t.Helper()
		var errs errorSet
		toks := lex("t.s", []byte(src), &errs)
		require.NoError(t, errs.err())
		c := &cursor{toks: toks, src: []byte(src)}
		c.next() // the mnemonic
		ops, err := parseOperands(c)
		require.NoError(t, err, src)
		return ops
	}
	ops := parse("x x3, W4, sp, wsp, xzr, WZR, fp, lr, ip0, ip1")
	want := []struct {
		reg arm64.Reg
		w   bool
	}{{3, false}, {4, true}, {arm64.SP, false}, {arm64.SP, true}, {arm64.ZR, false}, {arm64.ZR, true},
		{29, false}, {30, false}, {16, false}, {17, false}}
	require.Len(t, ops, len(want))
	for i, w := range want {
		assert.Equal(t, KindGPR, ops[i].Kind, ops[i].Text)
		assert.Equal(t, w.reg, ops[i].Reg, ops[i].Text)
		assert.Equal(t, w.w, ops[i].W, ops[i].Text)
	}

	ops = parse("x b1, h2, s3, d31, q0, v7, v8.16b, v9.s[3], V10.2D")
	assert.Equal(t, KindFP, ops[0].Kind)
	assert.Equal(t, 8, ops[0].Width)
	assert.Equal(t, 128, ops[4].Width)
	assert.Equal(t, 31, ops[3].Num)
	assert.Equal(t, KindVector, ops[5].Kind)
	assert.Equal(t, "", ops[5].Arr)
	assert.Equal(t, -1, ops[5].Index)
	assert.Equal(t, "16b", ops[6].Arr)
	assert.Equal(t, "s", ops[7].Arr)
	assert.Equal(t, 3, ops[7].Index)
	assert.Equal(t, "2d", ops[8].Arr)

	ops = parse("x {v0.16b, v1.16b}, {v30.4s-v1.4s}, {v2.s, v3.s}[1], {v4.2d}")
	assert.Equal(t, KindList, ops[0].Kind)
	assert.Equal(t, 2, ops[0].Count)
	assert.Equal(t, 4, ops[1].Count, "ranges wrap from v31 to v0")
	assert.Equal(t, 30, ops[1].Num)
	assert.Equal(t, 1, ops[2].Index)
	assert.Equal(t, -1, ops[3].Index)

	ops = parse("x #1, 2, #-3, #:lo12:sym, :abs_g1_nc:sym+4, =0x10, eq, tpidr_el0, label+4, 1.5, #-2.5")
	assert.Equal(t, KindImm, ops[0].Kind)
	assert.True(t, ops[0].Hash)
	assert.False(t, ops[1].Hash)
	assert.Equal(t, RelocLo12, ops[3].Reloc)
	assert.Equal(t, RelocAbsG1NC, ops[4].Reloc)
	assert.Equal(t, "sym+4", ops[4].Expr.String())
	assert.Equal(t, KindLiteral, ops[5].Kind)
	assert.Equal(t, KindName, ops[6].Kind)
	assert.Equal(t, "eq", ops[6].Name)
	assert.Equal(t, "tpidr_el0", ops[7].Name)
	assert.Equal(t, KindImm, ops[8].Kind)
	f, ok := ops[9].Expr.Float()
	assert.True(t, ok)
	assert.Equal(t, 1.5, f)
	f, ok = ops[10].Expr.Float()
	assert.True(t, ok)
	assert.Equal(t, -2.5, f)

	ops = parse("x lsl #3, asr 7, msl #8, uxtw, sxtx #2")
	assert.Equal(t, KindShift, ops[0].Kind)
	assert.Equal(t, arm64.ASR, ops[1].Shift)
	assert.True(t, ops[2].MSL)
	assert.Equal(t, KindExtend, ops[3].Kind)
	assert.Nil(t, ops[3].Amount)
	assert.Equal(t, arm64.SXTX, ops[4].Extend)

	ops = parse("x [x0], [sp, #-16]!, [x1, #:lo12:s], [x2, x3, lsl #3], [x4, w5, sxtw], [x6], #8")
	modes := []arm64.AddrMode{arm64.AddrOffset, arm64.AddrPreIndex, arm64.AddrOffset, arm64.AddrRegOffset,
		arm64.AddrRegOffset, arm64.AddrPostIndex}
	require.Len(t, ops, len(modes))
	for i, m := range modes {
		assert.Equal(t, KindMem, ops[i].Kind)
		assert.Equal(t, m, ops[i].Mem.Mode, ops[i].Text)
	}
	assert.Nil(t, ops[0].Mem.Offset)
	assert.Equal(t, RelocLo12, ops[2].Mem.Offset.Reloc)
	assert.Equal(t, KindShift, ops[3].Mem.Extend.Kind)
	assert.Equal(t, arm64.SXTW, ops[4].Mem.Extend.Extend)
	assert.Equal(t, "[x6], #8", ops[5].Text)
	assert.Equal(t, "#8", ops[5].Mem.Offset.Text)

	ops = parse("x v0.b[1], [x0], x2")
	assert.Equal(t, arm64.AddrPostIndex, ops[1].Mem.Mode)
	assert.Equal(t, arm64.Reg(2), ops[1].Mem.Index.Reg)
	assert.Equal(t, Pos{File: "t.s", Line: 1, Col: 12}, ops[1].Pos)
}

// testCtx parses the operands of a line and gives a Ctx for them, to test
// the operand helpers directly.
func testCtx(t *testing.T, line string) (*Ctx, []Operand) {
	t.Helper()
	var errs errorSet
	toks := lex("t.s", []byte(line), &errs)
	require.NoError(t, errs.err())
	c := &cursor{toks: toks, src: []byte(line)}
	c.next()
	ops, err := parseOperands(c)
	require.NoError(t, err)
	a := newAssembler("t.s")
	a.pass = 2
	return &Ctx{a: a, st: &stmt{name: "x"}}, ops
}

func TestOperandHelpers(t *testing.T) {
	c, o := testCtx(t, "x d3, s4, v1.4s, v2.d[1], #1.5, #-2, ish, #7, zva, vmalle1is, foo")
	n, w, err := c.FP(o[0], 64)
	require.NoError(t, err)
	assert.Equal(t, [2]int{3, 64}, [2]int{n, w})
	_, _, err = c.FP(o[1], 64, 128)
	assert.EqualError(t, err, "t.s:1:7: expected a scalar FP/SIMD register (dn, qn) but found 's4'")
	n, arr, err := c.Vector(o[2], "4s", "2d")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, "4s", arr)
	_, _, err = c.Vector(o[3])
	assert.Error(t, err, "an element is not a vector")
	n, size, idx, err := c.Element(o[3], "d")
	require.NoError(t, err)
	assert.Equal(t, []any{2, "d", 1}, []any{n, size, idx})
	f, err := c.FloatImm(o[4])
	require.NoError(t, err)
	assert.Equal(t, 1.5, f)
	f, err = c.FloatImm(o[5])
	require.NoError(t, err)
	assert.Equal(t, -2.0, f)
	v, err := c.Barrier(o[6])
	require.NoError(t, err)
	assert.Equal(t, int64(11), v)
	v, err = c.Barrier(o[7])
	require.NoError(t, err)
	assert.Equal(t, int64(7), v)
	s, reg, err := c.SysOp("dc", o[8])
	require.NoError(t, err)
	assert.Equal(t, arm64.MakeSysReg(1, 3, 7, 4, 1), s)
	assert.True(t, reg)
	s, reg, err = c.SysOp("tlbi", o[9])
	require.NoError(t, err)
	assert.Equal(t, arm64.MakeSysReg(1, 0, 8, 3, 0), s)
	assert.False(t, reg)
	_, _, err = c.SysOp("ic", o[10])
	assert.EqualError(t, err, "t.s:1:63: expected an IC operation but found 'foo'")
	_, err = c.Cond(o[10])
	assert.Error(t, err)
}
