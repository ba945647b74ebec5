package emu

import (
	"testing"

	"github.com/kpemu/kpemu/arm64"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The PAC instructions outside the hint space decode but are UNDEFINED:
// kpemu has no FEAT_PAuth (New refuses it). Nothing changes but the
// exception: no register, no memory access, no writeback, PC stays.
func TestPAuthUndefined(t *testing.T) {
	for _, tt := range []struct {
		word uint32
		asm  string
		op   arm64.Op
	}{
		{0xdac10041, "pacia x1, x2", arm64.PACIA},
		{0xdac107e1, "pacib x1, sp", arm64.PACIB},
		{0xdac10841, "pacda x1, x2", arm64.PACDA},
		{0xdac10c41, "pacdb x1, x2", arm64.PACDB},
		{0xdac11041, "autia x1, x2", arm64.AUTIA},
		{0xdac11441, "autib x1, x2", arm64.AUTIB},
		{0xdac11841, "autda x1, x2", arm64.AUTDA},
		{0xdac11c41, "autdb x1, x2", arm64.AUTDB},
		{0xdac123e1, "paciza x1", arm64.PACIZA},
		{0xdac127e1, "pacizb x1", arm64.PACIZB},
		{0xdac12be1, "pacdza x1", arm64.PACDZA},
		{0xdac12fe1, "pacdzb x1", arm64.PACDZB},
		{0xdac133e1, "autiza x1", arm64.AUTIZA},
		{0xdac137e1, "autizb x1", arm64.AUTIZB},
		{0xdac13be1, "autdza x1", arm64.AUTDZA},
		{0xdac13fe1, "autdzb x1", arm64.AUTDZB},
		{0xdac143e1, "xpaci x1", arm64.XPACI},
		{0xdac147e1, "xpacd x1", arm64.XPACD},
		{0x9ac23021, "pacga x1, x1, x2", arm64.PACGA},
		{0xf8200441, "ldraa x1, [x2]", arm64.LDRAA},
		{0xf8a01c41, "ldrab x1, [x2, #8]!", arm64.LDRAB},
	} {
		t.Run(tt.asm, func(t *testing.T) {
			in, err := arm64.Decode(tt.word)
			require.NoError(t, err)
			require.Equal(t, tt.op, in.Op)
			m := newTestMachine(t, nil, tt.word)
			assert.False(t, m.Executes(tt.op))
			c := m.CPU(0)
			c.SetX(1, 0x0012_3456_789a_bcd0)
			c.SetX(2, testData)
			require.NoError(t, m.Memory().WriteU64(testData, 0x1111))
			require.NoError(t, m.Memory().WriteU64(testData+8, 0x2222))
			ee := stepUnhandled(t, m)
			assert.Equal(t, ECUnknown, ee.EC)
			assert.Equal(t, testCode, ee.ELR)
			assert.Equal(t, testCode, c.PC())
			assert.Equal(t, uint64(0x0012_3456_789a_bcd0), c.X(1), "destination untouched")
			assert.Equal(t, testData, c.X(2), "base untouched")
		})
	}
}

// The executors are registered for FEAT_PAuth only: a table built with it
// has them, the default table does not.
func TestPAuthExecutorsNeedFeature(t *testing.T) {
	with := buildExecTable(&Features{PAuth: true})
	without := buildExecTable(&DefaultFeatures)
	for _, op := range []arm64.Op{arm64.PACIA, arm64.AUTDZB, arm64.XPACD, arm64.PACGA, arm64.LDRAA, arm64.LDRAB} {
		assert.NotNil(t, with[op], "%v with PAuth", op)
		assert.Nil(t, without[op], "%v without PAuth", op)
	}
}
