package arm64

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSysRegObjdump disassembles MRS and MSR (register) with every
// encoding of op0 = 2 and 3, 2^15 words in each direction, and compares
// Disasm with objdump's text: every name in sysreg_table.go, and the
// generic form of every encoding it does not name. The table was taken
// from binutils sysRegTableBinutils; another version names other
// registers, so the test is skipped then ("go generate ./arm64" takes the
// table from the installed objdump).
func TestSysRegObjdump(t *testing.T) {
	tool := objdumpTool(t, "go test ./arm64 -run SysRegObjdump")
	v, err := exec.Command(tool, "--version").Output()
	require.NoError(t, err)
	version := strings.SplitN(string(v), "\n", 2)[0]
	if !strings.HasSuffix(version, " "+sysRegTableBinutils) {
		t.Skipf("sysreg_table.go is from binutils %s, objdump is %q", sysRegTableBinutils, version)
	}

	var words []uint32
	for enc := uint32(0x8000); enc < 0x10000; enc++ {
		rt := enc % 32 // every Rt, XZR included
		words = append(words, 0xd5300000|enc<<5|rt, 0xd5100000|enc<<5|rt)
	}
	texts := objdumpWords(t, tool, words, objdumpBase)
	named, mismatches := 0, 0
	for i, w := range words {
		in, err := Decode(w)
		require.NoError(t, err, "%08x", w)
		s := SysReg(w >> 5)
		want := texts[i]
		if in.Op == MSRreg {
			// objdump writes the MSR name of the encoding.
			assert.Equal(t, "msr\t"+strings.ToLower(SysRegWriteName(s))+", "+in.Rt.GNU(true), want)
		} else {
			assert.Equal(t, "mrs\t"+in.Rt.GNU(true)+", "+strings.ToLower(SysRegName(s)), want)
		}
		if _, ok := sysRegNames[s]; ok {
			named++
		}
		if got := Disasm(in, objdumpBase+4*uint64(i), nil); got != want {
			mismatches++
			if mismatches <= 10 {
				t.Errorf("%08x %v: ours %q, objdump %q", w, in.Op, got, want)
			}
		}
	}
	assert.Zero(t, mismatches, "of %d words", len(words))
	t.Logf("%d words, %d of them with a named register", len(words), named)
}

// TestSysRegLookup: every name of the table, in any case, finds its
// encoding; so does the generic form of every encoding; names are
// spelled as the Arm ARM does.
func TestSysRegLookup(t *testing.T) {
	require.Len(t, sysRegNames, len(sysRegReadNames))
	names := map[string]SysReg{}
	for s, n := range sysRegNames {
		names[n] = s
	}
	for s, n := range sysRegWriteOnly {
		names[n] = s
	}
	for n, s := range names {
		for _, spelled := range []string{n, strings.ToLower(n), strings.ToUpper(n)} {
			got, ok := LookupSysReg(spelled)
			if assert.True(t, ok, spelled) {
				assert.Equal(t, s, got, spelled)
			}
		}
	}
	for enc := 0x8000; enc < 0x10000; enc++ {
		s := SysReg(enc)
		for _, g := range []string{genericSysRegName(s), strings.ToLower(genericSysRegName(s))} {
			got, ok := LookupSysReg(g)
			require.True(t, ok, g)
			require.Equal(t, s, got, g)
		}
	}

	for _, tc := range []struct {
		name                    string
		op0, op1, crn, crm, op2 int
	}{
		{"CurrentEL", 3, 0, 4, 2, 2},
		{"APIAKeyLo_EL1", 3, 0, 2, 1, 0},
		{"SPSR_irq", 3, 4, 4, 3, 0},
		{"TRCIDR0", 2, 1, 0, 8, 7},
		{"TRCRSCTLR31", 2, 1, 1, 15, 1},
		{"BRBINF31_EL1", 2, 1, 8, 15, 4},
		{"AMEVCNTVOFF015_EL2", 3, 4, 13, 9, 7},
		{"ICC_IAR1_EL1", 3, 0, 12, 12, 0},
		{"ICH_LR15_EL2", 3, 4, 12, 13, 7},
		{"PMSIDR_EL1", 3, 0, 9, 9, 7},
		{"PRBAR15_EL2", 3, 4, 6, 15, 4},
		{"TEECR32_EL1", 2, 2, 0, 0, 0},
		{"SMIDR_EL1", 3, 1, 0, 0, 6},
		{"CSRCR_EL1", 2, 0, 8, 0, 0},
	} {
		s := MakeSysReg(tc.op0, tc.op1, tc.crn, tc.crm, tc.op2)
		assert.Equal(t, tc.name, SysRegName(s))
		assert.Equal(t, tc.name, SysRegWriteName(s), "a name in both directions")
	}
	// A read-only and a write-only register share one encoding.
	dtr := MakeSysReg(2, 3, 0, 5, 0)
	assert.Equal(t, "DBGDTRRX_EL0", SysRegName(dtr))
	assert.Equal(t, "DBGDTRTX_EL0", SysRegWriteName(dtr))
	for _, n := range []string{"dbgdtrrx_el0", "DBGDTRTX_EL0"} {
		got, ok := LookupSysReg(n)
		assert.True(t, ok, n)
		assert.Equal(t, dtr, got, n)
	}
}
