package kprobe

import (
	"context"
	"encoding/binary"
	"math/rand"
	"testing"

	"github.com/kpemu/kpemu/emu"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// memMap is a little-endian byte map for the literal loads.
type memMap map[uint64]byte

func (m memMap) Load(addr uint64, size int) (uint64, bool) {
	var v uint64
	for i := size - 1; i >= 0; i-- {
		b, ok := m[addr+uint64(i)]
		if !ok {
			return 0, false
		}
		v = v<<8 | uint64(b)
	}
	return v, true
}

func (m memMap) put(addr uint64, v uint64, size int) {
	for i := 0; i < size; i++ {
		m[addr+uint64(i)] = byte(v >> (8 * i))
	}
}

const A = textBase + 0x40 // probe address of the scenarios

func regsAt(pc uint64) *PtRegs { return &PtRegs{PC: pc, PState: 0x3c5} }

func simulate(t *testing.T, v Version, w uint32, r *PtRegs, mem Memory) {
	t.Helper()
	d := ArmProbeDecodeInsn(v, w)
	if d.Class != InsnGoodNoSlot {
		d = ArmKprobeDecodeInsn(v, r.PC, func(uint64) (uint32, bool) { return w, true }, 0, false)
	}
	require.Equal(t, InsnGoodNoSlot, d.Class, "%#x", w)
	require.NoError(t, Simulate(v, d.Handler, w, r.PC, r, mem))
}

// Reference §12.18-23 and §3.
func TestSimulateScenarios(t *testing.T) {
	// 18: adrp x0, .+0x1000
	r := regsAt(A)
	simulate(t, Default, 0xb0000000, r, nil)
	assert.Equal(t, A&^0xfff+0x1000, r.Regs[0])
	assert.Equal(t, A+4, r.PC)
	// adr x4, .+16
	r = regsAt(A)
	simulate(t, Default, 0x10000084, r, nil)
	assert.Equal(t, A+16, r.Regs[4])

	// 19: cbz x0, .+8
	r = regsAt(A)
	simulate(t, Default, 0xb4000040, r, nil)
	assert.Equal(t, A+8, r.PC)
	r = regsAt(A)
	r.Regs[0] = 1 << 40
	simulate(t, Default, 0xb4000040, r, nil)
	assert.Equal(t, A+4, r.PC)
	// cbnz w3, .-8 looks at W3 only
	r = regsAt(A)
	r.Regs[3] = 1 << 40
	simulate(t, Default, 0x35ffffc3, r, nil)
	assert.Equal(t, A+4, r.PC)
	r.PC, r.Regs[3] = A, 1
	simulate(t, Default, 0x35ffffc3, r, nil)
	assert.Equal(t, A-8, r.PC)

	// 20: b.eq .+8, NZCV unchanged
	r = regsAt(A)
	simulate(t, Default, 0x54000040, r, nil)
	assert.Equal(t, A+4, r.PC)
	r = regsAt(A)
	r.PState |= PSR_Z_BIT
	simulate(t, Default, 0x54000040, r, nil)
	assert.Equal(t, A+8, r.PC)
	assert.Equal(t, uint64(0x3c5|PSR_Z_BIT), r.PState)
	// b.nv (cond 0xF) is always taken, like AL
	r = regsAt(A)
	simulate(t, Default, 0x5400004f, r, nil)
	assert.Equal(t, A+8, r.PC)

	// 21: tbnz w0, #3, .+8 with X0 = 8; tbz x5, #33
	r = regsAt(A)
	r.Regs[0] = 8
	simulate(t, Default, 0x37180040, r, nil)
	assert.Equal(t, A+8, r.PC)
	r = regsAt(A)
	r.Regs[5] = 1 << 33
	simulate(t, Default, 0xb6080065, r, nil)
	assert.Equal(t, A+4, r.PC)

	// 22: bl .+0x100; blr x30 jumps to the old X30
	r = regsAt(A)
	simulate(t, Default, 0x94000040, r, nil)
	assert.Equal(t, A+4, r.Regs[30])
	assert.Equal(t, A+0x100, r.PC)
	for _, v := range Versions() {
		r = regsAt(A)
		r.Regs[30] = 0xffff800012345678
		simulate(t, v, 0xd63f03c0, r, nil)
		assert.Equal(t, uint64(0xffff800012345678), r.PC, "%s", v)
		assert.Equal(t, A+4, r.Regs[30], "%s", v)
	}

	// 23: literal loads
	mem := memMap{}
	mem.put(A+8, 0x8877665544332211, 8)
	r = regsAt(A)
	simulate(t, Default, 0x58000040, r, mem) // ldr x0, .+8
	assert.Equal(t, uint64(0x8877665544332211), r.Regs[0])
	assert.Equal(t, A+4, r.PC)
	r = regsAt(A)
	r.Regs[1] = ^uint64(0)
	simulate(t, Default, 0x18000041, r, mem) // ldr w1, .+8
	assert.Equal(t, uint64(0x44332211), r.Regs[1])
	mem.put(A-4, 0xffffffff, 4)
	r = regsAt(A)
	simulate(t, Default, 0x98ffffe2, r, mem) // ldrsw x2, .-4
	assert.Equal(t, ^uint64(0), r.Regs[2])
	r = regsAt(A)
	simulate(t, Default, 0x5800005f, r, mem) // ldr xzr, .+8
	assert.Equal(t, [31]uint64{}, r.Regs)
	assert.Equal(t, A+4, r.PC)
}

// 11: NOP (v6.13+) is simulated: PC + 4 and BTYPE cleared.
func TestSimulateNop(t *testing.T) {
	r := regsAt(A)
	r.PState |= PSR_BTYPE_MASK | PSR_N_BIT
	simulate(t, V6_17, 0xd503201f, r, nil)
	assert.Equal(t, A+4, r.PC)
	assert.Equal(t, uint64(0x3c5|PSR_N_BIT), r.PState)
}

// Before v6.12 the W-form literal load read 8 bytes: same value, but it
// faults when only the 4 bytes are readable.
func TestSimulateLdrLiteralWidth(t *testing.T) {
	mem := memMap{}
	mem.put(A+8, 0xdeadbeef, 4)
	for _, v := range Versions() {
		r := regsAt(A)
		err := Simulate(v, HandlerLdrLiteral, 0x18000041, r.PC, r, mem)
		if v.SizedLiteralLoads {
			require.NoError(t, err, "%s", v)
			assert.Equal(t, uint64(0xdeadbeef), r.Regs[1])
		} else {
			var lf *LiteralFault
			require.ErrorAs(t, err, &lf, "%s", v)
			assert.Equal(t, 8, lf.Size)
			assert.Equal(t, A, r.PC, "a faulting simulation leaves the registers")
		}
	}
	mem.put(A+12, 0x01020304, 4)
	r := regsAt(A)
	require.NoError(t, Simulate(V5_4, HandlerLdrLiteral, 0x18000041, r.PC, r, mem))
	assert.Equal(t, uint64(0xdeadbeef), r.Regs[1])
	require.Error(t, Simulate(Default, HandlerNone, 0, r.PC, r, mem))
}

func TestPtRegsHelpers(t *testing.T) {
	r := &PtRegs{}
	r.RegsSetReturnValue(42)
	assert.Equal(t, uint64(42), r.RegsReturnValue())
	r.InstructionPointerSet(0x1000)
	assert.Equal(t, uint64(0x1000), r.InstructionPointer())
	r.PtRegsWriteReg(31, 7)
	r.PtRegsWriteReg(-1, 7)
	assert.Equal(t, uint64(0), r.PtRegsReadReg(31))
	assert.Equal(t, uint64(0), r.PtRegsReadReg(99))
	r.ProcedureLinkPointerSet(5)
	assert.Equal(t, uint64(5), r.ProcedureLinkPointer())
	assert.Equal(t, uint64(42), r.RegsGetKernelArgument(0))
	assert.Equal(t, uint64(0), r.RegsGetKernelArgument(8))
	assert.True(t, r.UserMode())
	r.PState = 0x3c5
	assert.False(t, r.UserMode())
}

// Simulation is transparent: for every simulated instruction, the
// simulation on a PtRegs gives the same PC, registers, SP and flags as the
// emulator executing the instruction at the probe address. BC.cond is
// compared with the emulator running the same word as B.cond (the emulator
// does not implement FEAT_HBC; architecturally they differ only in a
// hint).
func TestSimulationTransparent(t *testing.T) {
	const code, size = textBase, 0x10000
	rng := rand.New(rand.NewSource(1))
	m, err := emu.New(nil)
	require.NoError(t, err)
	require.NoError(t, m.Map(code, size, emu.PermRX))
	page := make([]byte, size)
	rng.Read(page)
	require.NoError(t, m.Memory().Write(code, page))
	c := m.CPU(0)
	// nearImm19 is an imm19 field (bits 23:5) within ±4 KiB.
	nearImm19 := func() uint32 { return uint32(rng.Intn(0x800)-0x400) & 0x7ffff << 5 }

	gens := []struct {
		name string
		gen  func() uint32
	}{
		{"b/bl", func() uint32 { return 0x14000000 | rng.Uint32()&0x83ffffff }},
		{"b.cond", func() uint32 { return 0x54000000 | rng.Uint32()&0x00ffffef }},
		{"bc.cond", func() uint32 { return 0x54000010 | rng.Uint32()&0x00ffffef }},
		{"cbz/cbnz", func() uint32 { return 0x34000000 | rng.Uint32()&0x81ffffff }},
		{"tbz/tbnz", func() uint32 { return 0x36000000 | rng.Uint32()&0x81ffffff }},
		{"adr/adrp", func() uint32 { return 0x10000000 | rng.Uint32()&0xe0ffffff }},
		{"br/blr/ret", func() uint32 {
			return []uint32{0xd61f0000, 0xd63f0000, 0xd65f0000}[rng.Intn(3)] | rng.Uint32()&0x3e0
		}},
		// Literal loads within ±4 KiB so the literal is in the mapped page.
		{"ldr lit", func() uint32 {
			return 0x18000000 | rng.Uint32()&0x40000000 | nearImm19() | rng.Uint32()&0x1f
		}},
		{"ldrsw lit", func() uint32 {
			return 0x98000000 | nearImm19() | rng.Uint32()&0x1f
		}},
		{"nop", func() uint32 { return 0xd503201f }},
	}
	interesting := []uint64{0, 1, 8, 1 << 33, 0xffffffff, 0x100000000, ^uint64(0)}
	for _, g := range gens {
		for n := 0; n < 2000; n++ {
			w := g.gen()
			a := code + 0x8000 + uint64(rng.Intn(0x400))*4
			var r PtRegs
			for i := range r.Regs {
				if rng.Intn(3) == 0 {
					r.Regs[i] = interesting[rng.Intn(len(interesting))]
				} else {
					r.Regs[i] = rng.Uint64()
				}
			}
			r.PC, r.SP = a, code+size
			r.PState = uint64(rng.Intn(16))<<28 | 0x3c5

			d := ArmKprobeDecodeInsn(Default, a, func(uint64) (uint32, bool) { return w, true }, 0, false)
			require.Equal(t, InsnGoodNoSlot, d.Class, "%s %#08x: %s", g.name, w, d.Rule)

			// The emulator runs the same word at the same address.
			ew := w
			if g.name == "bc.cond" {
				ew &^= 0x10
			}
			var b [4]byte
			binary.LittleEndian.PutUint32(b[:], ew)
			require.NoError(t, m.Memory().Write(a, b[:]))
			for i := 0; i < 31; i++ {
				c.SetX(i, r.Regs[i])
			}
			c.SetSP(r.SP)
			c.SetPC(a)
			c.SetNZCV(r.PState)
			res, err := m.Step(context.Background(), 0, 1)
			require.NoError(t, err)
			require.Equal(t, uint64(1), res.Executed, "%s %#08x", g.name, ew)

			sr := r
			require.NoError(t, Simulate(Default, d.Handler, w, sr.PC, &sr, c))
			for i := 0; i < 31; i++ {
				require.Equal(t, c.X(i), sr.Regs[i], "%s %#08x X%d", g.name, w, i)
			}
			require.Equal(t, c.PC(), sr.PC, "%s %#08x PC", g.name, w)
			require.Equal(t, c.SP(), sr.SP, "%s %#08x SP", g.name, w)
			require.Equal(t, c.NZCV(), sr.PState&0xf0000000, "%s %#08x NZCV", g.name, w)
			require.Equal(t, r.PState, sr.PState, "%s: simulation never changes PSTATE here", g.name)
		}
	}
}
