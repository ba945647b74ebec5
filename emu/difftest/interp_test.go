package difftest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/kpemu/kpemu/arm64"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newInterp(t *testing.T, m Model) *Interp {
	t.Helper()
	e, err := NewInterp(m.Features())
	require.NoError(t, err)
	return e
}

// stepOne loads words at CodeBase with state s on e and steps once.
func stepOne(t *testing.T, e Engine, s State, words ...uint32) (Exception, State) {
	t.Helper()
	r := NewRunner(e, e)
	p := &Program{Words: words, Init: s, Mem: make([]byte, DataSize)}
	require.NoError(t, r.Load(e, p))
	x, err := e.Step()
	require.NoError(t, err)
	var after State
	require.NoError(t, e.GetState(&after))
	return x, after
}

// engineExceptionCases are steps whose exception both engines must report
// the same way; the Unicorn test runs them too.
var engineExceptionCases = []struct {
	name  string
	words []uint32
	setup func(s *State)
	want  Exception // Kind, and Addr/Write/Fault where set
	pc    uint64    // PC after the step
	lse   bool      // needs FEAT_LSE: MAX only
}{
	{name: "udf", words: []uint32{0x00000000}, // udf #0
		want: Exception{Kind: Undefined}, pc: CodeBase},
	{name: "brk", words: []uint32{0xd4200020}, // brk #1
		want: Exception{Kind: BRK}, pc: CodeBase},
	{name: "svc", words: []uint32{0xd4000001}, // svc #0
		want: Exception{Kind: SVC}, pc: CodeBase + 4},
	{name: "load unmapped", words: []uint32{0xf9400020}, // ldr x0, [x1]
		setup: func(s *State) { s.X[1] = 0x30000 },
		want:  Exception{Kind: DataAbort, Addr: 0x30000, AddrKnown: true, WriteKnown: true, Fault: FaultTranslation}, pc: CodeBase},
	{name: "load kernel half", words: []uint32{0xf9400020}, // ldr x0, [x1]
		setup: func(s *State) { s.X[1] = 0xffff800000000000 },
		want:  Exception{Kind: DataAbort, Addr: 0xffff800000000000, AddrKnown: true, WriteKnown: true, Fault: FaultTranslation}, pc: CodeBase},
	{name: "store read-only", words: []uint32{0xf9000020}, // str x0, [x1]
		setup: func(s *State) { s.X[1] = ROBase + 8 },
		want:  Exception{Kind: DataAbort, Addr: ROBase + 8, AddrKnown: true, Write: true, WriteKnown: true, Fault: FaultPermission}, pc: CodeBase},
	{name: "store code", words: []uint32{0xf9000020}, // str x0, [x1]
		setup: func(s *State) { s.X[1] = CodeBase },
		want:  Exception{Kind: DataAbort, Addr: CodeBase, AddrKnown: true, Write: true, WriteKnown: true, Fault: FaultPermission}, pc: CodeBase},
	{name: "fetch unmapped", setup: func(s *State) { s.PC = 0x40000 },
		want: Exception{Kind: InstAbort, Addr: 0x40000, AddrKnown: true, Fault: FaultTranslation}, pc: 0x40000},
	{name: "fetch data", setup: func(s *State) { s.PC = DataBase },
		want: Exception{Kind: InstAbort, Addr: DataBase, AddrKnown: true, Fault: FaultPermission}, pc: DataBase},
	{name: "fetch unaligned", setup: func(s *State) { s.PC = CodeBase + 2 },
		want: Exception{Kind: PCAlign}, pc: CodeBase + 2},
	{name: "fetch unaligned unmapped", setup: func(s *State) { s.PC = 0x40002 },
		want: Exception{Kind: PCAlign}, pc: 0x40002},
	{name: "ldxr misaligned unmapped", words: []uint32{0xc85f7c20}, // ldxr x0, [x1]
		setup: func(s *State) { s.X[1] = 0x30004 },
		want:  Exception{Kind: DataAbort, Addr: 0x30004, AddrKnown: true, Fault: FaultAlignment}, pc: CodeBase},
	{name: "stxr misaligned", words: []uint32{0xc8027c20}, // stxr w2, x0, [x1]
		setup: func(s *State) { s.X[1] = DataBase + 4 },
		want:  Exception{Kind: DataAbort, Addr: DataBase + 4, AddrKnown: true, Write: true, WriteKnown: true, Fault: FaultAlignment}, pc: CodeBase},
	{name: "stxr without monitor", words: []uint32{0xc8027c20}, // stxr w2, x0, [x1]
		setup: func(s *State) { s.X[1], s.X[2] = DataBase+8, 7 },
		want:  Exception{Kind: None}, pc: CodeBase + 4},
	{name: "stxrb to the top address", words: []uint32{0x08017c62}, // stxrb w1, w2, [x3]
		setup: func(s *State) { s.X[3], s.X[1] = ^uint64(0), 7 },
		want:  Exception{Kind: None}, pc: CodeBase + 4},
	{name: "ldadd misaligned unmapped", words: []uint32{0xf8200041}, // ldadd x0, x1, [x2]
		setup: func(s *State) { s.X[2] = 0x30001 },
		want:  Exception{Kind: DataAbort, Addr: 0x30001, AddrKnown: true, Fault: FaultAlignment}, pc: CodeBase, lse: true},
	{name: "load ok", words: []uint32{0xf9400020}, // ldr x0, [x1]
		setup: func(s *State) { s.X[1] = DataBase + 3 },
		want:  Exception{Kind: None}, pc: CodeBase + 4},
}

// checkException compares what an engine reported with a case's
// expectation, field by field where the expectation knows it.
func checkException(t *testing.T, name string, want, got Exception) {
	t.Helper()
	assert.Equal(t, want.Kind, got.Kind, "%s: kind (%v)", name, got)
	if want.AddrKnown && got.AddrKnown {
		assert.Equal(t, want.Addr, got.Addr, "%s: address", name)
	}
	if want.WriteKnown && got.WriteKnown {
		assert.Equal(t, want.Write, got.Write, "%s: direction", name)
	}
	if want.Fault != FaultUnknown && got.Fault != FaultUnknown {
		assert.Equal(t, want.Fault, got.Fault, "%s: fault class", name)
	}
}

func TestInterpEngineExceptions(t *testing.T) {
	for _, m := range []Model{A72, MAX} {
		e := newInterp(t, m)
		for _, tc := range engineExceptionCases {
			if tc.lse && m != MAX {
				continue
			}
			s := State{PC: CodeBase, SP: DataBase + 0x1000}
			if tc.setup != nil {
				tc.setup(&s)
			}
			name := fmt.Sprintf("%v %s", m, tc.name)
			x, after := stepOne(t, e, s, tc.words...)
			checkException(t, name, tc.want, x)
			assert.Equal(t, tc.pc, after.PC, "%s: pc", name)
			if tc.want.Kind != None {
				assert.True(t, x.ESRKnown, "%s: the interpreter knows ESR", name)
			}
		}
	}
}

// TestInterpBranchToUnmapped: the branch completes; the next step takes
// the Instruction Abort at the target. The Unicorn test runs it too.
func testBranchToUnmapped(t *testing.T, e Engine) {
	s := State{PC: CodeBase, X: [31]uint64{1: 0x40000}}
	x, after := stepOne(t, e, s, 0xd63f0020) // blr x1
	require.Equal(t, None, x.Kind, "%s: the branch completes", e.Name())
	assert.Equal(t, uint64(0x40000), after.PC, e.Name())
	assert.Equal(t, CodeBase+4, after.X[30], "%s: link register", e.Name())
	x, err := e.Step()
	require.NoError(t, err)
	checkException(t, e.Name(), Exception{Kind: InstAbort, Addr: 0x40000, AddrKnown: true, Fault: FaultTranslation}, x)
}

func TestInterpBranchToUnmapped(t *testing.T) { testBranchToUnmapped(t, newInterp(t, A72)) }

// TestInterpStateRoundTrip: SetState then GetState gives the state back,
// every field of it.
func TestInterpStateRoundTrip(t *testing.T) {
	g := NewGenerator(MAX, 5)
	e := newInterp(t, MAX)
	for i := 0; i < 20; i++ {
		s := RandomState(g.Rand())
		require.NoError(t, e.SetState(&s))
		var got State
		require.NoError(t, e.GetState(&got))
		assert.Empty(t, Diff(&s, &got))
	}
}

// TestSelfDifferential runs generated programs on two interpreters in lock
// step: they must agree, which checks the harness (loading, Reset between
// programs, comparison) and the interpreter's determinism, without the
// oracle.
func TestSelfDifferential(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 60
	}
	for _, c := range Classes {
		m := ClassModel[c]
		r := NewRunner(newInterp(t, m), newInterp(t, m))
		g := NewGenerator(m, 11)
		total := 0
		for i := 0; i < n; i++ {
			p := g.Program(c)
			steps, mm, err := r.Run(p)
			require.NoError(t, err)
			if !assert.Nil(t, mm, "%v", mm) {
				break
			}
			total += steps
		}
		t.Logf("%v: %d instructions", c, total)
	}
}

// mutant is an Engine that gets one instruction wrong: after executing
// word, X0 is off by one. It checks that the runner notices and that
// Shrink narrows a program down to the culprit.
type mutant struct {
	*Interp
	word uint32
}

func (m *mutant) Name() string { return "mutant" }

func (m *mutant) Step() (Exception, error) {
	var s State
	if err := m.GetState(&s); err != nil {
		return Exception{}, err
	}
	var b [4]byte
	err := m.ReadMem(s.PC, b[:])
	x, err2 := m.Interp.Step()
	if err == nil && err2 == nil && x.Kind == None && uint32(b[0])|uint32(b[1])<<8|uint32(b[2])<<16|uint32(b[3])<<24 == m.word {
		m.c.SetX(0, m.c.X(0)+1)
	}
	return x, err2
}

func TestShrink(t *testing.T) {
	const culprit = 0xd503201f // nop, so that it surely executes
	_, err := arm64.Decode(culprit)
	require.NoError(t, err)
	a := newInterp(t, A72)
	b := &mutant{Interp: newInterp(t, A72), word: culprit}
	r := NewRunner(a, b)
	g := NewGenerator(A72, 9)

	// The culprit among harmless words, with random state.
	p := g.Program(arm64.ClassDPImm)
	p.Words = []uint32{
		0x91000421, // add x1, x1, #1
		0x91000842, // add x2, x2, #2
		culprit,
		0x91000c63, // add x3, x3, #3
	}
	_, mm, err := r.Run(p)
	require.NoError(t, err)
	require.NotNil(t, mm, "the mutant differs")

	small, smm := r.Shrink(p, mm)
	require.NotNil(t, smm)
	assert.Equal(t, []uint32{culprit}, small.Words, "only the culprit is left")
	assert.Equal(t, [31]uint64{}, small.Init.X, "registers simplified to zero")
	rep := smm.String()
	assert.Contains(t, rep, "nop")
	assert.Contains(t, rep, "differ: x0: 0x0 != 0x1 (interpreter != mutant)", rep)
	assert.True(t, strings.HasPrefix(rep, "mismatch on A72"), rep)
}
