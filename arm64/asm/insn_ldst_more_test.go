package asm

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/arm64"
)

// Tests of insn_excl.go, insn_lse.go, insn_pac.go and insn_sys.go beyond
// the corpus (rows_ldst.go, rows_sys.go), which compares them with GNU as
// line by line.

// moreOps are the ops of those files (LDADD is the pilot's, the rest
// ours).
var moreOps = map[arm64.Op]bool{
	arm64.LDXR: true, arm64.STXR: true, arm64.LDXP: true, arm64.STXP: true, arm64.LDAR: true,
	arm64.STLR: true, arm64.LDAPR: true, arm64.CAS: true, arm64.CASP: true, arm64.LDADD: true,
	arm64.LDCLR: true, arm64.LDEOR: true, arm64.LDSET: true, arm64.LDSMAX: true, arm64.LDSMIN: true,
	arm64.LDUMAX: true, arm64.LDUMIN: true, arm64.SWP: true, arm64.LDRAA: true, arm64.LDRAB: true,
	arm64.BRAA: true, arm64.BRAAZ: true, arm64.BRAB: true, arm64.BRABZ: true, arm64.BLRAA: true,
	arm64.BLRAAZ: true, arm64.BLRAB: true, arm64.BLRABZ: true, arm64.RETAA: true, arm64.RETAB: true,
	arm64.ERET: true, arm64.ERETAA: true, arm64.ERETAB: true, arm64.DRPS: true,
	arm64.SYS: true, arm64.SYSL: true, arm64.DCPS1: true, arm64.DCPS2: true, arm64.DCPS3: true,
}

// TestDecodedFormsAssemble checks that every form the decoder accepts
// assembles: random words of each decode row of these ops are decoded,
// printed as objdump prints them, and assembled again. The word must be
// the canonical encoding of the decoded Inst (should-be-one fields
// written as ones), and must print the same.
func TestDecodedFormsAssemble(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	type sample struct {
		text string
		want uint32
	}
	var samples []sample
	seen := map[arm64.Op]int{}
	for _, class := range []arm64.Class{arm64.ClassLdSt, arm64.ClassBranch} {
		for _, e := range arm64.Encodings(class) {
			if !moreOps[e.Op] {
				continue
			}
			for i := 0; i < 300; i++ {
				w := e.Value | rng.Uint32()&^e.Mask
				in, err := arm64.Decode(w)
				if err != nil || !moreOps[in.Op] {
					continue
				}
				text := arm64.GNUSyntax(in)
				if (in.Op == arm64.LDRAA || in.Op == arm64.LDRAB) && strings.HasSuffix(text, "]!") && !strings.Contains(text, "#") {
					// "ldraa x0, [x1]!": GNU as takes it, our parser
					// does not (operand.go wants an offset before '!').
					continue
				}
				want, err := arm64.Encode(in)
				require.NoError(t, err, "%08x %s", w, text)
				if in.Op == arm64.SYS && in.Rt != arm64.ZR && !strings.Contains(text, ",") {
					// An operation without a register (TLBI VMALLE1)
					// prints none whatever Rt is: it assembles as XZR.
					in.Rt = arm64.ZR
					if want, err = arm64.Encode(in); err != nil {
						require.NoError(t, err, "%08x %s", w, text)
					}
				}
				samples = append(samples, sample{text, want})
				seen[in.Op]++
			}
		}
	}
	for op := range moreOps {
		assert.NotZero(t, seen[op], "no decodable sample of %v", op)
	}

	var src strings.Builder
	for _, s := range samples {
		fmt.Fprintf(&src, "\t%s\n", s.text)
	}
	o, err := Assemble("decoded.s", []byte(src.String()))
	require.NoError(t, err)
	got := words(findSection(t, o, ".text").Data)
	require.Len(t, got, len(samples))
	bad := 0
	for i, s := range samples {
		if got[i] != s.want && bad < 20 {
			bad++
			assert.Fail(t, "decoded form assembles differently", "%s: %08x, want %08x", s.text, got[i], s.want)
		}
	}
	t.Logf("%d decoded forms of %d ops assembled", len(samples), len(seen))
}

// TestSysOpNamesAssemble assembles every DC, IC, AT, TLBI, CFP, DVP and
// CPP operation the decoder names, with and without a register as the
// operation requires, and checks the SYS encoding.
func TestSysOpNamesAssemble(t *testing.T) {
	var src strings.Builder
	var want []arm64.SysReg
	for op1 := 0; op1 < 8; op1++ {
		for crn := 0; crn < 16; crn++ {
			for crm := 0; crm < 16; crm++ {
				for op2 := 0; op2 < 8; op2++ {
					s := arm64.MakeSysReg(1, op1, crn, crm, op2)
					name := arm64.SysOpName(s)
					if name == "" {
						continue
					}
					in, err := arm64.Decode(0xd5080000 | uint32(s)<<5 | 3)
					require.NoError(t, err)
					text := arm64.GNUSyntax(in) // "dc\tzva, x3" or "tlbi\tvmalle1"
					require.True(t, strings.HasPrefix(text, strings.Replace(name, " ", "\t", 1)), "%s prints as %q", name, text)
					src.WriteString("\t" + text + "\n")
					want = append(want, s)
				}
			}
		}
	}
	require.Greater(t, len(want), 100)
	o, err := Assemble("sysops.s", []byte(src.String()))
	require.NoError(t, err)
	for i, in := range decodeText(t, o) {
		assert.Equal(t, arm64.SYS, in.Op)
		assert.Equal(t, want[i], in.SysReg, "%s", arm64.SysOpName(want[i]))
	}
}

// TestMTECacheOpsMatchGNUAs: the FEAT_MTE DC operations are not in the
// corpus, since GNU as takes them only with +memtag.
func TestMTECacheOpsMatchGNUAs(t *testing.T) {
	gasPath(t)
	src := "\t.arch_extension memtag\n"
	for _, op := range []string{"igvac", "igsw", "igdvac", "igdsw", "cgsw", "cgdsw", "cigsw", "cigdsw",
		"gva", "gzva", "cgvac", "cgdvac", "cgvap", "cgdvap", "cgvadp", "cgdvadp", "cigvac", "cigdvac"} {
		src += fmt.Sprintf("\tdc %s, x%d\n", op, len(src)%31)
	}
	g, msgs := runGAS(t, src)
	require.NotNil(t, g, msgs)
	o := asmOK(t, src)
	assert.Equal(t, g.sections[".text"].data, findSection(t, o, ".text").Data)
}

// TestSyncOperandErrors checks the messages of the checks that GNU as
// phrases differently.
func TestSyncOperandErrors(t *testing.T) {
	for _, c := range []struct{ src, msg string }{
		{"ldxr x0, [x1, #8]", "t.s:1:15: expected #0 (the only offset of this instruction) but found '#8'"},
		{"ldxr x0, [x1, #1-1]", "t.s:1:15: expected #0 (the only offset of this instruction) but found '#1-1'"},
		{"stxr w0, x1, [x2], #0", "t.s:1:14: expected [xn] or [xn, #0] but found '[x2], #0'"},
		{"stxr x0, x1, [x2]", "t.s:1:6: expected a 32-bit register (w0-w30, wzr) but found 'x0'"},
		{"ldaxrb x0, [x1]", "t.s:1:8: expected a 32-bit register (w0-w30, wzr) but found 'x0'"},
		{"ldxp x0, w1, [x2]", "t.s:1:10: expected a 64-bit register (x0-x30, xzr) but found 'w1'"},
		{"casp x1, x2, x4, x5, [x0]", "t.s:1:6: a register pair must start at an even register, not 'x1'"},
		{"caspa x0, x1, x2, x4, [x0]", "t.s:1:19: expected the register after 'x2' (pairs are consecutive) but found 'x4'"},
		{"cas x0, x1, [x2, #1-1]", "t.s:1:18: expected #0 (the only offset of this instruction) but found '#1-1'"},
		{"ldraa x0, [x1, #12]", "t.s:1:16: immediate '#12' is out of range: expected a multiple of 8 from -4096 to 4088"},
		{"braa x0, xzr", "t.s:1:10: expected a 64-bit register (x0-x30, sp) but found 'xzr'"},
		{"sys #0, c16, c0, #0", "t.s:1:9: expected c0-c15 but found 'c16'"},
		{"tlbi vmalle1, x0", "t.s:1:15: unexpected operand 'x0': 'tlbi vmalle1' takes no register"},
		{"dc zva", "t.s:1:1: 'dc zva' takes a register: dc zva, <xt>"},
		{"ic foo", "t.s:1:4: expected an IC operation but found 'foo'"},
	} {
		_, err := Assemble("t.s", []byte(c.src+"\n"))
		if assert.Error(t, err, c.src) {
			assert.Equal(t, c.msg, err.Error(), c.src)
		}
	}
}
