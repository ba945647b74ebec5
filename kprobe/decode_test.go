package kprobe

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Outcome shorthands for the tables.
const (
	rej  = InsnRejected
	sim  = InsnGoodNoSlot
	xol  = InsnGood
	none = HandlerNone
)

type decodeCase struct {
	word    uint32
	asm     string // as aarch64-linux-gnu-as 2.40 (-march=armv8.8-a+mops) assembles it
	class   InsnClass
	handler Handler
}

// v617Cases: arm_kprobe_decode_insn in the default profile (v6.17), one
// real word per rule of reference §2.2-2.4 and the §12 scenarios 11-17,
// 41, 42.
var v617Cases = []decodeCase{
	{0x58000040, "ldr x0, .+8", sim, HandlerLdrLiteral},
	{0x18000041, "ldr w1, .+8", sim, HandlerLdrLiteral},
	{0x98ffffe2, "ldrsw x2, .-4", sim, HandlerLdrswLiteral},
	{0x1c000040, "ldr s0, .+8 (FP literal: quirk, XOL)", xol, none},
	{0x5c000040, "ldr d0, .+8 (FP literal: quirk, XOL)", xol, none},
	{0x9c000040, "ldr q0, .+8 (FP literal: quirk, XOL)", xol, none},
	{0xd8000040, "prfm pldl1keep, .+8", rej, none},
	{0xd503201f, "nop", sim, HandlerNop},
	{0x54000040, "b.eq .+8", sim, HandlerBCond},
	{0x54000050, "bc.eq .+8", sim, HandlerBCond},
	{0xb4000040, "cbz x0, .+8", sim, HandlerCbzCbnz},
	{0x35ffffc3, "cbnz w3, .-8", sim, HandlerCbzCbnz},
	{0xb6080065, "tbz x5, #33, .+12", sim, HandlerTbzTbnz},
	{0x37180040, "tbnz w0, #3, .+8", sim, HandlerTbzTbnz},
	{0x10000084, "adr x4, .+16", sim, HandlerAdrAdrp},
	{0x90000000, "adrp x0, .", sim, HandlerAdrAdrp},
	{0xb0000000, "adrp x0, .+0x1000", sim, HandlerAdrAdrp},
	{0x14000040, "b .+0x100", sim, HandlerBBl},
	{0x94000040, "bl .+0x100", sim, HandlerBBl},
	{0xd61f0200, "br x16", sim, HandlerBrBlr},
	{0xd63f03c0, "blr x30", sim, HandlerBrBlr},
	{0xd65f03c0, "ret", sim, HandlerRet},
	{0xd65f0060, "ret x3", sim, HandlerRet},
	{0xd71f0822, "braa x1, x2", rej, none},
	{0xd61f083f, "braaz x1", rej, none},
	{0xd73f0822, "blraa x1, x2", rej, none},
	{0xd63f0c3f, "blrabz x1", rej, none},
	{0xd65f0bff, "retaa", rej, none},
	{0xd65f0fff, "retab", rej, none},
	{0xd69f03e0, "eret", rej, none},
	{0xd69f0bff, "eretaa", rej, none},
	{0xd69f0fff, "eretab", rej, none},
	{0xd4000001, "svc #0", rej, none},
	{0xd4000002, "hvc #0", rej, none},
	{0xd4000003, "smc #0", rej, none},
	{0xd4200000, "brk #0", rej, none},
	{0xd4200080, "brk #0x4", rej, none},
	{0xd4400000, "hlt #0", rej, none},
	{0xd50342df, "msr daifset, #2", rej, none},
	{0xd5181000, "msr sctlr_el1, x0", rej, none},
	{0xd53b4220, "mrs x0, daif", rej, none},
	{0xd5380000, "mrs x0, midr_el1", xol, none},
	{0xd53b4201, "mrs x1, nzcv", xol, none},
	{0xd503203f, "yield", rej, none},
	{0xd503205f, "wfe", rej, none},
	{0xd503207f, "wfi", rej, none},
	{0xd503209f, "sev", rej, none},
	{0xd50320bf, "sevl", rej, none},
	{0xd50320ff, "xpaclri", xol, none},
	{0xd503211f, "pacia1716", xol, none},
	{0xd503215f, "pacib1716", xol, none},
	{0xd503219f, "autia1716", rej, none},
	{0xd50321df, "autib1716", rej, none},
	{0xd503221f, "esb", rej, none},
	{0xd503223f, "psb csync", rej, none},
	{0xd503225f, "tsb csync", rej, none},
	{0xd503229f, "csdb", rej, none},
	{0xd503231f, "paciaz", xol, none},
	{0xd503233f, "paciasp", xol, none},
	{0xd503235f, "pacibz", xol, none},
	{0xd503237f, "pacibsp", xol, none},
	{0xd503239f, "autiaz", rej, none},
	{0xd50323bf, "autiasp", rej, none},
	{0xd50323df, "autibz", rej, none},
	{0xd50323ff, "autibsp", rej, none},
	{0xd503241f, "bti", xol, none},
	{0xd503245f, "bti c", xol, none},
	{0xd503249f, "bti j", xol, none},
	{0xd50324df, "bti jc", xol, none},
	{0xd5032fff, "hint #0x7f", rej, none},
	{0xd5033bbf, "dmb ish", xol, none},
	{0xd5033f9f, "dsb sy", xol, none},
	{0xd5033fdf, "isb", xol, none},
	{0xd50330ff, "sb", xol, none},
	{0xd5033f5f, "clrex", xol, none},
	{0xd50b7e20, "dc civac, x0", xol, none},
	{0xd508871f, "tlbi vmalle1", xol, none},
	{0xc85f7c01, "ldxr x1, [x0]", rej, none},
	{0xc8027c01, "stxr w2, x1, [x0]", rej, none},
	{0x885ffc01, "ldaxr w1, [x0]", rej, none},
	{0x8802fc01, "stlxr w2, w1, [x0]", rej, none},
	{0xc87f0801, "ldxp x1, x2, [x0]", rej, none},
	{0xc8230801, "stxp w3, x1, x2, [x0]", rej, none},
	{0xc8dffc01, "ldar x1, [x0]", xol, none},
	{0xc89ffc01, "stlr x1, [x0]", xol, none},
	{0x48227c04, "casp x2, x3, x4, x5, [x0] (exclusive-mask quirk)", rej, none},
	{0x48227c80, "casp x2, x3, x0, x1, [x4] (reference §12.17)", rej, none},
	{0xc8a17c02, "cas x1, x2, [x0]", xol, none},
	{0xc8e17c02, "casa x1, x2, [x0]", xol, none},
	{0xf8210002, "ldadd x1, x2, [x0]", xol, none},
	{0x19010440, "cpyfp [x0]!, [x1]!, x2!", rej, none},
	{0x19410440, "cpyfm [x0]!, [x1]!, x2!", rej, none},
	{0x19810440, "cpyfe [x0]!, [x1]!, x2!", rej, none},
	{0x19c20420, "setp [x0]!, x1!, x2", rej, none},
	{0x19c24420, "setm [x0]!, x1!, x2", rej, none},
	{0x19c28420, "sete [x0]!, x1!, x2", rej, none},
	{0xa9bf7bfd, "stp x29, x30, [sp, #-16]!", xol, none},
	{0x8b010000, "add x0, x0, x1", xol, none},
	{0xf9400020, "ldr x0, [x1]", xol, none},
	{0x1e622820, "fadd d0, d1, d2", xol, none},
	{0x910003fd, "mov x29, sp", xol, none},
}

// Where older profiles differ from v6.17, word by word.
var versionDiffs = map[string]map[uint32]decodeCase{
	"v6.12": {
		0xd503201f: {class: xol},                           // nop: simulated only from v6.13
		0xd61f0200: {class: sim, handler: HandlerBrBlrRet}, // one handler for BR/BLR/RET before SplitRet
		0xd63f03c0: {class: sim, handler: HandlerBrBlrRet},
		0xd65f03c0: {class: sim, handler: HandlerBrBlrRet},
		0xd65f0060: {class: sim, handler: HandlerBrBlrRet},
	},
	"v6.1": {
		0xd503201f: {class: xol},
		0xd61f0200: {class: sim, handler: HandlerBrBlrRet},
		0xd63f03c0: {class: sim, handler: HandlerBrBlrRet},
		0xd65f03c0: {class: sim, handler: HandlerBrBlrRet},
		0xd65f0060: {class: sim, handler: HandlerBrBlrRet},
		0x54000050: {class: xol}, // bc.eq: old B.cond mask, steppable
		0x19010440: {class: xol}, // MOPS not rejected before v6.14/6.12.y
		0x19410440: {class: xol},
		0x19810440: {class: xol},
		0x19c20420: {class: xol},
		0x19c24420: {class: xol},
		0x19c28420: {class: xol},
	},
}

func init() {
	// v5.4 = v6.1 plus the pre-v5.7 pointer-auth behaviour: PAC branches
	// and ERETAA/ERETAB are not "branches"/ERET, so steppable; every hint
	// but YIELD/WFE/WFI/SEV/SEVL is steppable (aarch64_insn_is_nop).
	v54 := map[uint32]decodeCase{}
	for w, c := range versionDiffs["v6.1"] {
		v54[w] = c
	}
	for _, w := range []uint32{0xd71f0822, 0xd61f083f, 0xd73f0822, 0xd63f0c3f, 0xd65f0bff,
		0xd65f0fff, 0xd69f0bff, 0xd69f0fff, 0xd503219f, 0xd50321df, 0xd503221f,
		0xd503223f, 0xd503225f, 0xd503229f, 0xd503239f, 0xd50323bf, 0xd50323df,
		0xd50323ff, 0xd5032fff} {
		v54[w] = decodeCase{class: xol}
	}
	versionDiffs["v5.4"] = v54
}

func expectedFor(v Version, c decodeCase) decodeCase {
	if d, ok := versionDiffs[v.Name][c.word]; ok {
		d.word, d.asm = c.word, c.asm
		return d
	}
	return c
}

// readerOf serves words laid out from base.
func readerOf(base uint64, words ...uint32) InsnReader {
	return func(a uint64) (uint32, bool) {
		if a < base || a&3 != 0 || (a-base)/4 >= uint64(len(words)) {
			return 0, false
		}
		return words[(a-base)/4], true
	}
}

const textBase uint64 = 0xffff800010000000

func TestArmKprobeDecodeInsnTable(t *testing.T) {
	for _, v := range Versions() {
		for _, c := range v617Cases {
			want := expectedFor(v, c)
			// Probe at a symbol's first instruction: no scan.
			d := ArmKprobeDecodeInsn(v, textBase, readerOf(textBase, c.word), textBase, true)
			assert.Equal(t, want.class, d.Class, "%s %#08x %s: %s", v, c.word, c.asm, d.Rule)
			assert.Equal(t, want.handler, d.Handler, "%s %#08x %s", v, c.word, c.asm)
			assert.Equal(t, c.word, d.Insn)
			assert.NotEmpty(t, d.Rule)
			if d.Class == InsnRejected {
				assert.Equal(t, EINVAL, d.Errno, "%s %s", v, c.asm)
			} else {
				assert.Zero(t, d.Errno, "%s %s", v, c.asm)
			}
		}
	}
}

func TestDecodeRulesExplain(t *testing.T) {
	rule := func(w uint32) string {
		return ArmKprobeDecodeInsn(Default, textBase, readerOf(textBase, w), 0, false).Rule
	}
	assert.Contains(t, rule(0xc85f7c01), "aarch64_insn_is_exclusive")
	assert.Contains(t, rule(0x10000084), "simulate_adr_adrp")
	assert.Contains(t, rule(0xd53b4220), "DAIF")
	assert.Contains(t, rule(0xd50323bf), "aarch64_insn_is_steppable_hint")
	assert.Contains(t, rule(0x19010440), "aarch64_insn_is_mops")
	assert.Contains(t, rule(0x54000050), "BC.cond")
	assert.Contains(t, rule(0xd8000040), "aarch64_insn_uses_literal")
	assert.Contains(t, rule(0xd4000001), "aarch64_insn_is_exception")
	assert.Equal(t, "simulate_b_cond", HandlerBCond.String())
	assert.Equal(t, "INSN_GOOD_NO_SLOT", InsnGoodNoSlot.String())
}

// The shared decoder (uprobes too) stopped simulating the literal loads in
// v6.12; kprobes still simulate them in every profile.
func TestLiteralLoadsKprobeOnly(t *testing.T) {
	for _, w := range []uint32{0x58000040, 0x18000041, 0x98ffffe2} {
		assert.Equal(t, InsnRejected, ArmProbeDecodeInsn(V6_12, w).Class)
		assert.Equal(t, InsnRejected, ArmProbeDecodeInsn(V6_17, w).Class)
		assert.Equal(t, InsnGoodNoSlot, ArmProbeDecodeInsn(V6_1, w).Class)
		assert.Equal(t, InsnGoodNoSlot, ArmProbeDecodeInsn(V5_4, w).Class)
		for _, v := range Versions() {
			d := ArmKprobeDecodeInsn(v, textBase, readerOf(textBase, w), textBase, true)
			assert.Equal(t, InsnGoodNoSlot, d.Class, "%s %#x", v, w)
		}
	}
}

// Every MOPS encoding the mask admits is rejected when MOPSRejected, and
// the branch class checks are exhaustive over the whole hint space.
func TestHintSpace(t *testing.T) {
	white := map[uint32]bool{0x0: true, 0xE0: true, 0x100: true, 0x140: true, 0x300: true,
		0x320: true, 0x340: true, 0x360: true, 0x400: true, 0x440: true, 0x480: true, 0x4C0: true}
	for crmop2 := uint32(0); crmop2 < 0x80; crmop2++ {
		w := 0xD503201F | crmop2<<5
		d := ArmProbeDecodeInsn(V6_12, w)
		if white[crmop2<<5] {
			assert.Equal(t, InsnGood, d.Class, "hint #%#x", crmop2)
		} else {
			assert.Equal(t, InsnRejected, d.Class, "hint #%#x", crmop2)
		}
		old := ArmProbeDecodeInsn(V5_4, w)
		if crmop2 >= 1 && crmop2 <= 5 { // YIELD, WFE, WFI, SEV, SEVL
			assert.Equal(t, InsnRejected, old.Class, "v5.4 hint #%#x", crmop2)
		} else {
			assert.Equal(t, InsnGood, old.Class, "v5.4 hint #%#x", crmop2)
		}
	}
}

// No word panics, and the class/handler/errno agree, in every profile.
func TestDecodeAnyWord(t *testing.T) {
	seed := uint32(12345)
	for n := 0; n < 200000; n++ {
		seed = seed*1664525 + 1013904223
		for _, v := range Versions() {
			d := ArmProbeDecodeInsn(v, seed)
			require.Equal(t, d.Class == InsnGoodNoSlot, d.Handler != HandlerNone, "%#x", seed)
			require.Equal(t, d.Class == InsnRejected, d.Errno == EINVAL, "%#x", seed)
		}
	}
}

// LL/SC loop (reference §2.5, §12.15):
//
//	f:   mov   x2, #1         d2800022
//	1:   ldxr  x1, [x0]       c85f7c01
//	     add   x1, x1, x2     8b020021
//	     stxr  w3, x1, [x0]   c8037c01
//	     cbnz  w3, 1b         35ffffa3
//	     ret                  d65f03c0
var llscLoop = []uint32{0xd2800022, 0xc85f7c01, 0x8b020021, 0xc8037c01, 0x35ffffa3, 0xd65f03c0}

func TestExclusiveSequenceScan(t *testing.T) {
	read := readerOf(textBase, llscLoop...)
	want := []InsnClass{xol, rej, rej, rej, sim, sim}
	for _, v := range Versions() {
		for i, w := range want {
			d := ArmKprobeDecodeInsn(v, textBase+uint64(4*i), read, textBase, true)
			assert.Equal(t, w, d.Class, "%s insn %d: %s", v, i, d.Rule)
			if i == 2 { // the add: inside; ldxr and stxr are rejected as exclusives
				assert.True(t, d.Atomic)
				assert.Equal(t, textBase+4, d.ExclusiveAt)
				assert.Equal(t, EINVAL, d.Errno)
				assert.Contains(t, d.Rule, "is_probed_address_atomic")
			}
		}
	}
	// Without a symbol the scan is skipped (kallsyms_lookup_size_offset
	// failed): inside the loop is accepted.
	d := ArmKprobeDecodeInsn(Default, textBase+8, read, 0, false)
	assert.Equal(t, InsnGood, d.Class)
	// The scan stops at the symbol start: with the symbol starting at the
	// add, the ldxr before it is not seen.
	d = ArmKprobeDecodeInsn(Default, textBase+12, read, textBase+8, true)
	assert.Equal(t, InsnRejected, d.Class, "stxr itself is an exclusive")
	d = ArmKprobeDecodeInsn(Default, textBase+8, read, textBase+8, true)
	assert.Equal(t, InsnGood, d.Class)
}

// The scan looks back 32 instructions at most once the probe is 128 bytes
// or more into the symbol; a load-exclusive 33 instructions back is out of
// reach, 32 back is in.
func TestExclusiveScanWindow(t *testing.T) {
	for _, back := range []int{32, 33} {
		words := make([]uint32, 40)
		for i := range words {
			words[i] = 0x8b010000 // add x0, x0, x1
		}
		probe := 38
		words[probe-back] = 0xc85f7c01 // ldxr x1, [x0]
		read := readerOf(textBase, words...)
		d := ArmKprobeDecodeInsn(Default, textBase+uint64(4*probe), read, textBase, true)
		if back == 32 {
			assert.Equal(t, InsnRejected, d.Class)
			assert.True(t, d.Atomic)
		} else {
			assert.Equal(t, InsnGood, d.Class)
		}
	}
}

// Scan quirk (§2.5, §12.16): LDAR matches the load-exclusive mask, STLR
// the store-exclusive one.
func TestExclusiveScanOrderedQuirk(t *testing.T) {
	// ldar x1, [x0]; add x0, x0, x1
	read := readerOf(textBase, 0xc8dffc01, 0x8b010000)
	assert.Equal(t, InsnGood, ArmKprobeDecodeInsn(Default, textBase, read, textBase, true).Class)
	d := ArmKprobeDecodeInsn(Default, textBase+4, read, textBase, true)
	assert.Equal(t, InsnRejected, d.Class)
	assert.True(t, d.Atomic)
	// ldxr x1, [x0]; stlr x1, [x0]; add: the STLR ends the window.
	read = readerOf(textBase, 0xc85f7c01, 0xc89ffc01, 0x8b010000)
	assert.Equal(t, InsnGood, ArmKprobeDecodeInsn(Default, textBase+8, read, textBase, true).Class)
	// A rejected word is not scanned: the result stays the decoder's.
	read = readerOf(textBase, 0xc85f7c01, 0xd4000001)
	d = ArmKprobeDecodeInsn(Default, textBase+4, read, textBase, true)
	assert.False(t, d.Atomic)
	assert.Contains(t, d.Rule, "aarch64_insn_is_exception")
}

func TestDecodeUnreadable(t *testing.T) {
	d := ArmKprobeDecodeInsn(Default, textBase, readerOf(textBase+4, 0), textBase, true)
	assert.Equal(t, InsnRejected, d.Class)
	assert.Equal(t, EFAULT, d.Errno)
}

func TestVersionByName(t *testing.T) {
	v, ok := VersionByName("6.12")
	require.True(t, ok)
	assert.Equal(t, V6_12, v)
	assert.Equal(t, V6_17, Default)
	_, ok = VersionByName("v9.9")
	assert.False(t, ok)
}
