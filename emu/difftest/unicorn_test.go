//go:build unicorn

package difftest

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newUnicorn(t testing.TB, m Model) *Unicorn {
	t.Helper()
	u, err := NewUnicorn(m)
	require.NoError(t, err)
	t.Cleanup(func() { u.Close() })
	return u
}

// newPair returns a runner comparing the interpreter with Unicorn on m.
func newPair(t testing.TB, m Model) *Runner {
	t.Helper()
	a, err := NewInterp(m.Features())
	require.NoError(t, err)
	return NewRunner(a, newUnicorn(t, m))
}

// TestUnicornOracle checks that the oracle is there and that the adapter
// reports each kind of exception as the interpreter's adapter does (the
// cases of TestInterpEngineExceptions), with PC at the preferred return
// address.
func TestUnicornOracle(t *testing.T) {
	for _, m := range []Model{A72, MAX} {
		u := newUnicorn(t, m)
		for _, tc := range engineExceptionCases {
			if tc.lse && m != MAX {
				continue
			}
			s := State{PC: CodeBase, SP: DataBase + 0x1000}
			if tc.setup != nil {
				tc.setup(&s)
			}
			x, after := stepOne(t, u, s, tc.words...)
			name := fmt.Sprintf("%v %s", m, tc.name)
			checkException(t, name, tc.want, x)
			assert.Equal(t, tc.pc, after.PC, "%s: pc", name)
		}
	}
}

func TestUnicornBranchToUnmapped(t *testing.T) { testBranchToUnmapped(t, newUnicorn(t, A72)) }

// TestUnicornStateRoundTrip: SetState then GetState gives the state back.
func TestUnicornStateRoundTrip(t *testing.T) {
	g := NewGenerator(MAX, 5)
	for _, m := range []Model{A72, MAX} {
		u := newUnicorn(t, m)
		for i := 0; i < 20; i++ {
			s := RandomState(g.Rand())
			require.NoError(t, u.SetState(&s))
			var got State
			require.NoError(t, u.GetState(&got))
			assert.Empty(t, Diff(&s, &got), "%v", m)
		}
	}
}

// TestUnicornFlushCode: after a code write and FlushCode, Unicorn runs the
// new code (divergence "stale-translation": without the flush it would run
// the old translation).
func TestUnicornFlushCode(t *testing.T) {
	u := newUnicorn(t, A72)
	r := NewRunner(u, u)
	for _, imm := range []uint32{1, 2, 3} {
		add := 0x91000000 | imm<<10 // add x0, x0, #imm
		p := &Program{Words: []uint32{add}, Init: State{PC: CodeBase}, Mem: make([]byte, DataSize)}
		require.NoError(t, r.Load(u, p))
		x, err := u.Step()
		require.NoError(t, err)
		require.Equal(t, None, x.Kind)
		var s State
		require.NoError(t, u.GetState(&s))
		assert.Equal(t, uint64(imm), s.X[0], "the new code ran")
	}
}

// TestUnicornDivergences keeps the divergence table true: each documented
// behaviour of Unicorn is observed.
func TestUnicornDivergences(t *testing.T) {
	t.Run("store-fault-partial", func(t *testing.T) {
		u := newUnicorn(t, A72)
		s := State{PC: CodeBase, X: [31]uint64{0: 0x1122334455667788, 1: ROBase - 4}}
		x, _ := stepOne(t, u, s, 0xf9000020) // str x0, [x1]
		require.Equal(t, DataAbort, x.Kind)
		assert.Equal(t, ROBase, x.Addr, "the fault is at the page boundary")
		var b [4]byte
		require.NoError(t, u.ReadMem(ROBase-4, b[:]))
		assert.Equal(t, []byte{0x88, 0x77, 0x66, 0x55}, b[:], "Unicorn wrote the bytes below the boundary")
	})
	t.Run("qemu-alignment", func(t *testing.T) {
		// Raw Unicorn runs a misaligned LDAR and fails a misaligned STXR
		// without a fault; the adapter reports the alignment faults.
		u := newUnicorn(t, A72)
		for _, tc := range []struct {
			asm  string
			w    uint32
			regs func(s *State)
			raw  func(t *testing.T, s *State)
		}{
			{"ldar x0, [x1]", 0xc8dffc20, func(s *State) { s.X[1] = DataBase + 4 },
				func(t *testing.T, s *State) { assert.Equal(t, CodeBase+4, s.PC, "ran") }},
			{"stxr w2, x0, [x1]", 0xc8027c20, func(s *State) { s.X[1] = DataBase + 4 },
				func(t *testing.T, s *State) { assert.Equal(t, uint64(1), s.X[2], "failed, no fault") }},
		} {
			s := State{PC: CodeBase}
			tc.regs(&s)
			r := NewRunner(u, u)
			p := &Program{Words: []uint32{tc.w}, Init: s, Mem: make([]byte, DataSize)}
			require.NoError(t, r.Load(u, p))
			require.NoError(t, u.e.Start(CodeBase, CodeBase^1<<63, 0, 1), tc.asm)
			var after State
			require.NoError(t, u.GetState(&after))
			tc.raw(t, &after)

			x, _ := stepOne(t, u, s, tc.w)
			assert.Equal(t, DataAbort, x.Kind, tc.asm)
			assert.Equal(t, FaultAlignment, x.Fault, tc.asm)
			assert.Equal(t, DataBase+4, x.Addr, tc.asm)
		}
	})
	t.Run("udef-index", func(t *testing.T) {
		u := newUnicorn(t, A72)
		x, _ := stepOne(t, u, State{PC: CodeBase + 2})
		assert.Equal(t, PCAlign, x.Kind)
		assert.Equal(t, "EXCP 1", x.Detail, "reported as EXCP_UDEF")
	})
	t.Run("sp-alignment", func(t *testing.T) {
		for _, e := range []Engine{newUnicorn(t, A72), newInterp(t, A72)} {
			s := State{PC: CodeBase, SP: DataBase + 8}
			x, _ := stepOne(t, e, s, 0xf94003e0) // ldr x0, [sp]
			assert.Equal(t, None, x.Kind, "%s: no SP alignment check", e.Name())
		}
	})
}

// snippets are routines that run to completion (a BRK) on both engines in
// lock step; check verifies they computed what they should, so that a
// snippet that silently did nothing cannot pass. Encodings from
// aarch64-linux-gnu-as.
var snippets = []struct {
	name  string
	model Model
	words []uint32
	setup func(s *State, mem []byte)
	check func(t *testing.T, s *State, mem []byte)
}{
	{name: "sum loop", model: A72, words: []uint32{
		0xd2800000, // mov x0, #0
		0xd2800141, // mov x1, #10
		0x8b010000, // 1: add x0, x0, x1
		0xf1000421, // subs x1, x1, #1
		0x54ffffc1, // b.ne 1b
		0xd4200000, // brk #0
	}, check: func(t *testing.T, s *State, _ []byte) { assert.Equal(t, uint64(55), s.X[0]) }},
	{name: "memcpy bytes", model: A72, words: []uint32{
		0xb40000a2, // cbz x2, 2f
		0x38401423, // 1: ldrb w3, [x1], #1
		0x38001403, // strb w3, [x0], #1
		0xf1000442, // subs x2, x2, #1
		0x54ffffa1, // b.ne 1b
		0xd4200000, // 2: brk #0
	}, setup: memcpySetup(37), check: memcpyCheck(37)},
	{name: "memcpy ldp/stp", model: A72, words: []uint32{
		0xf1004042, // subs x2, x2, #16
		0x540000ab, // b.lt 2f
		0xa8c11023, // 1: ldp x3, x4, [x1], #16
		0xa8811003, // stp x3, x4, [x0], #16
		0xf1004042, // subs x2, x2, #16
		0x54ffffaa, // b.ge 1b
		0xb1004042, // 2: adds x2, x2, #16
		0x540000a0, // b.eq 4f
		0x38401423, // 3: ldrb w3, [x1], #1
		0x38001403, // strb w3, [x0], #1
		0xf1000442, // subs x2, x2, #1
		0x54ffffa1, // b.ne 3b
		0xd4200000, // 4: brk #0
	}, setup: memcpySetup(93), check: memcpyCheck(93)},
	{name: "strlen", model: A72, words: []uint32{
		0xaa0003e1, // mov x1, x0
		0x38401422, // 1: ldrb w2, [x1], #1
		0x35ffffe2, // cbnz w2, 1b
		0xcb000020, // sub x0, x1, x0
		0xd1000400, // sub x0, x0, #1
		0xd4200000, // brk #0
	}, setup: func(s *State, mem []byte) {
		s.X[0] = DataBase + 0x100
		copy(mem[0x100:], "hello, differential world\x00")
	}, check: func(t *testing.T, s *State, _ []byte) { assert.Equal(t, uint64(25), s.X[0]) }},
	{name: "ll/sc increment", model: A72, words: []uint32{
		0xc85f7c01, // 1: ldxr x1, [x0]
		0x91000421, // add x1, x1, #1
		0xc8027c01, // stxr w2, x1, [x0]
		0x35ffffa2, // cbnz w2, 1b
		0x885ffc04, // ldaxr w4, [x0]
		0x11000884, // add w4, w4, #2
		0x8802fc04, // stlxr w2, w4, [x0]
		0x35ffff22, // cbnz w2, 1b
		0xf1000463, // subs x3, x3, #1
		0x54fffee1, // b.ne 1b
		0xd4200000, // brk #0
	}, setup: func(s *State, mem []byte) {
		s.X[0], s.X[3] = DataBase+0x40, 5
		binary.LittleEndian.PutUint64(mem[0x40:], 100)
	}, check: func(t *testing.T, s *State, mem []byte) {
		assert.Equal(t, uint64(115), binary.LittleEndian.Uint64(mem[0x40:]))
	}},
	{name: "lse atomics", model: MAX, words: []uint32{
		0xd28000a1, // mov x1, #5
		0xf8210002, // ldadd x1, x2, [x0]
		0xf8e10003, // ldaddal x1, x3, [x0]
		0xf8a18004, // swpa x1, x4, [x0]
		0xd28000a5, // mov x5, #5
		0xd28009a6, // mov x6, #77
		0xc8a57c06, // cas x5, x6, [x0]
		0xc8e5fc06, // casal x5, x6, [x0]
		0xf8611007, // ldclrl x1, x7, [x0]
		0xf8213008, // ldset x1, x8, [x0]
		0xf8a12009, // ldeora x1, x9, [x0]
		0xf821400a, // ldsmax x1, x10, [x0]
		0xf821700b, // ldumin x1, x11, [x0]
		0xf821001f, // stadd x1, [x0]
		0x3821000c, // ldaddb w1, w12, [x0]
		0x7821000d, // ldaddh w1, w13, [x0]
		0x482e7e90, // casp x14, x15, x16, x17, [x20]
		0xf9400012, // ldr x18, [x0]
		0xd4200000, // brk #0
	}, setup: func(s *State, mem []byte) {
		s.X[0], s.X[20] = DataBase+0x80, DataBase+0x90
		binary.LittleEndian.PutUint64(mem[0x80:], 10)
		s.X[14], s.X[15], s.X[16], s.X[17] = 1, 2, 3, 4
		binary.LittleEndian.PutUint64(mem[0x90:], 1)
		binary.LittleEndian.PutUint64(mem[0x98:], 2)
	}, check: func(t *testing.T, s *State, mem []byte) {
		assert.Equal(t, []uint64{10, 15, 20, 77, 77}, []uint64{s.X[2], s.X[3], s.X[4], s.X[5], s.X[7]})
		assert.Equal(t, []uint64{72, 77, 72, 72, 10, 15, 20}, []uint64{s.X[8], s.X[9], s.X[10], s.X[11], s.X[12], s.X[13], s.X[18]})
		assert.Equal(t, uint64(3), binary.LittleEndian.Uint64(mem[0x90:]), "casp stored x16")
		assert.Equal(t, uint64(4), binary.LittleEndian.Uint64(mem[0x98:]), "casp stored x17")
	}},
	{name: "call with frame", model: A72, words: []uint32{
		0xd2800060, // mov x0, #3
		0x94000002, // bl 1f
		0x14000009, // b 2f
		0xa9be7bfd, // 1: stp x29, x30, [sp, #-32]!
		0x910003fd, // mov x29, sp
		0xf9000be0, // str x0, [sp, #16]
		0x8b000800, // add x0, x0, x0, lsl #2
		0xf9400be1, // ldr x1, [sp, #16]
		0x8b010000, // add x0, x0, x1
		0xa8c27bfd, // ldp x29, x30, [sp], #32
		0xd65f03c0, // ret
		0xd4200000, // 2: brk #0
	}, check: func(t *testing.T, s *State, _ []byte) {
		assert.Equal(t, uint64(18), s.X[0])
		assert.Equal(t, CodeBase+8, s.X[30])
	}},
	{name: "simd copy", model: A72, words: []uint32{
		0xad400420, // ldp q0, q1, [x1]
		0xad000400, // stp q0, q1, [x0]
		0x4cdfa022, // ld1 {v2.16b, v3.16b}, [x1], #32
		0x4c00a002, // st1 {v2.16b, v3.16b}, [x0]
		0x4e181ca4, // mov v4.d[1], x5
		0x4e183c86, // mov x6, v4.d[1]
		0xd4200000, // brk #0
	}, setup: func(s *State, mem []byte) {
		s.X[0], s.X[1], s.X[5] = DataBase+0x400, DataBase+0x200, 0xfeedface
		for i := 0; i < 32; i++ {
			mem[0x200+i] = byte(i + 1)
		}
	}, check: func(t *testing.T, s *State, mem []byte) {
		assert.Equal(t, mem[0x200:0x220], mem[0x400:0x420])
		assert.Equal(t, uint64(0xfeedface), s.X[6])
		assert.Equal(t, DataBase+0x220, s.X[1])
	}},
}

func memcpySetup(n int) func(s *State, mem []byte) {
	return func(s *State, mem []byte) {
		s.X[0], s.X[1], s.X[2] = DataBase+0x800, DataBase+0x100, uint64(n)
		for i := 0; i < n; i++ {
			mem[0x100+i] = byte(3*i + 1)
		}
	}
}

func memcpyCheck(n int) func(t *testing.T, s *State, mem []byte) {
	return func(t *testing.T, s *State, mem []byte) {
		assert.Equal(t, mem[0x100:0x100+n], mem[0x800:0x800+n], "copied")
		assert.Zero(t, mem[0x800+n], "not one byte more")
	}
}

// TestSnippets runs the curated routines to completion on both engines.
func TestSnippets(t *testing.T) {
	for _, sn := range snippets {
		t.Run(sn.name, func(t *testing.T) {
			r := newPair(t, sn.model)
			r.MaxSteps = 10_000
			p := &Program{Model: sn.model, Words: sn.words, Mem: make([]byte, DataSize),
				Init: State{PC: CodeBase, SP: DataBase + 0x1000}}
			if sn.setup != nil {
				sn.setup(&p.Init, p.Mem)
			}
			steps, mm, err := r.Run(p)
			require.NoError(t, err)
			require.Nil(t, mm, "%v", mm)
			var s State
			require.NoError(t, r.A.GetState(&s))
			require.Equal(t, CodeBase+4*uint64(len(sn.words)-1), s.PC, "stopped at the final brk after %d steps", steps)
			mem := make([]byte, DataSize)
			require.NoError(t, r.A.ReadMem(DataBase, mem))
			sn.check(t, &s, mem)
		})
	}
}
