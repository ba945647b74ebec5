package difftest

import (
	"fmt"
	"sort"
	"testing"

	"github.com/kpemu/kpemu/arm64"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// samplesPerRow is K/rows: TestGeneratorCoverage draws this many words per
// candidate row of a class and requires every row that can give a valid
// word to have given one.
const samplesPerRow = 64

// TestGeneratorCoverage checks that random sampling reaches every decode
// row of every class that has comparable words, on each model. A row
// without any (its op's words are all excluded, or all caught by an
// earlier row) is logged with the reason, not counted as a miss.
func TestGeneratorCoverage(t *testing.T) {
	for m := Model(0); m < numModels; m++ {
		for _, c := range Classes {
			t.Run(fmt.Sprintf("%v/%v", m, c), func(t *testing.T) {
				g := NewGenerator(m, 42)
				rows := g.Rows(c)
				if len(rows) == 0 {
					t.Skipf("no row of %v is executed by the interpreter yet", c)
				}
				hit := map[int]int{}
				for k := 0; k < samplesPerRow*len(rows); k++ {
					w, in, r, ok := g.Instruction(c)
					if !ok {
						continue
					}
					require.Equal(t, r.Op, in.Op, "%08x decoded through row %d", w, r.Index)
					hit[r.Index]++
				}
				var missed []string
				unreachable := 0
				for _, r := range rows {
					if hit[r.Index] > 0 {
						continue
					}
					// A row not hit: either no word of it is comparable, or
					// the generator is too weak for it.
					probe := NewGenerator(m, uint64(r.Index)+1)
					found := false
					for i := 0; i < 64 && !found; i++ {
						_, _, found = probe.FromRow(r)
					}
					if found {
						missed = append(missed, fmt.Sprintf("row %d %v (%#08x/%#08x)", r.Index, r.Op, r.Mask, r.Value))
						continue
					}
					unreachable++
					t.Logf("row %d %v (%#08x/%#08x): no comparable word: %s", r.Index, r.Op, r.Mask, r.Value, whyNot(g, r))
				}
				assert.Empty(t, missed, "rows with valid words not drawn in %d samples", samplesPerRow*len(rows))
				t.Logf("%d rows, %d drawn, %d without comparable words", len(rows), len(hit), unreachable)
			})
		}
	}
}

// whyNot samples words of a row that no valid word came from and counts
// why each was rejected.
func whyNot(g *Generator, r Row) string {
	why := map[string]int{}
	for i := 0; i < 4096; i++ {
		w := r.Value | g.rng.Uint32()&^r.Mask
		switch in, err := arm64.Decode(w); {
		case firstRow(g.tables[r.Class], w) != r.Index:
			why["decoded by an earlier row"]++
		case err != nil:
			why["does not decode"]++
		case !executor(g.model).Executes(in.Op):
			why["not executed"]++
		default:
			if x := excluded(w, g.model); x != nil {
				why["excluded: "+x.name]++
			} else {
				why["valid"]++
			}
		}
	}
	var s []string
	for k, v := range why {
		s = append(s, fmt.Sprintf("%s %d", k, v))
	}
	sort.Strings(s)
	return fmt.Sprint(s)
}

// TestGeneratorDeterministic: one seed, one sequence of programs; another
// seed, others.
func TestGeneratorDeterministic(t *testing.T) {
	gen := func(seed uint64) []*Program {
		var ps []*Program
		for _, c := range Classes {
			g := NewGenerator(ClassModel[c], seed)
			for i := 0; i < 20; i++ {
				ps = append(ps, g.Program(c))
			}
		}
		return ps
	}
	a, b, c := gen(7), gen(7), gen(8)
	require.Equal(t, len(a), len(b))
	assert.Equal(t, a, b, "same seed, same programs")
	assert.NotEqual(t, a, c, "another seed, other programs")

	// Seed restarts the sequence.
	g := NewGenerator(A72, 7)
	p1 := g.Program(arm64.ClassDPImm)
	g.Seed(7)
	assert.Equal(t, p1, g.Program(arm64.ClassDPImm))
}

// TestGeneratedWordsValid: every generated word decodes, is executed by
// the interpreter on the program's model, and escapes every exclusion.
func TestGeneratedWordsValid(t *testing.T) {
	for _, c := range Classes {
		m := ClassModel[c]
		g := NewGenerator(m, 3)
		for i := 0; i < 200; i++ {
			p := g.Program(c)
			assert.LessOrEqual(t, len(p.Words), MaxProgram)
			for _, w := range p.Words {
				in, err := arm64.Decode(w)
				if !assert.NoError(t, err, "%08x", w) {
					continue
				}
				assert.True(t, executor(m).Executes(in.Op), "%08x %v not executed on %v", w, in.Op, m)
				assert.Nil(t, excluded(w, m), "%08x excluded on %v", w, m)
			}
		}
	}
}

// TestExclusions pins the exclusion rules on words whose meaning the Arm
// ARM fixes (encodings checked with aarch64-linux-gnu-as).
func TestExclusions(t *testing.T) {
	for _, tc := range []struct {
		w   uint32
		asm string
		a72 bool // excluded on A72
		max bool // excluded on MAX
	}{
		{0xd503207f, "wfi", true, true},
		{0xd503205f, "wfe", true, true},
		{0xd503201f, "nop", false, false},
		{0xd503203f, "yield", false, false},
		{0xd503233f, "paciasp", false, true},
		{0xd50323bf, "autiasp", false, true},
		{0xd50320ff, "xpaclri", false, true},
		{0xd503241f, "bti", false, false},
		{0xd69f03e0, "eret", true, true},
		{0xd69f0bff, "eretaa", true, true},
		{0xd4000002, "hvc #0", true, true},
		{0xd4000003, "smc #0", true, true},
		{0xd4000001, "svc #0", false, false},
		{0xd4200000, "brk #0", false, false},
		{0xd53b4200, "mrs x0, nzcv", false, false},
		{0xd53bd040, "mrs x0, tpidr_el0", false, false},
		{0xd5380000, "mrs x0, midr_el1", true, true},
		{0xd53be040, "mrs x0, cntvct_el0", true, true},
		{0xd53b0020, "mrs x0, ctr_el0", true, true},
		{0xd51b4400, "msr fpcr, x0", false, false},
		{0xd5181000, "msr sctlr_el1, x0", true, true},
		{0xd50342df, "msr daifset, #2", false, false},
		{0xd50040bf, "msr spsel, #0", true, true},
		{0xd50b7420, "dc zva, x0", false, false},
		{0xd50b7520, "ic ivau, x0", false, false},
		{0xd508871f, "tlbi vmalle1", true, true},
		{0xd5087800, "at s1e1r, x0", true, true},
		{0x38204026, "ldsmaxb w0, w6, [x1]", false, true},
		{0xf8204026, "ldsmax x0, x6, [x1]", false, false},
	} {
		assert.Equal(t, tc.a72, excluded(tc.w, A72) != nil, "%s (%08x) on A72", tc.asm, tc.w)
		assert.Equal(t, tc.max, excluded(tc.w, MAX) != nil, "%s (%08x) on MAX", tc.asm, tc.w)
	}
}

// TestUnpredictable pins the CONSTRAINED UNPREDICTABLE operand
// combinations the generator leaves out.
func TestUnpredictable(t *testing.T) {
	for _, tc := range []struct {
		w     uint32
		asm   string
		unpre bool
	}{
		{0x887f07e1, "ldxp w1, w1, [sp]", true},
		{0x887f0be1, "ldxp w1, w2, [sp]", false},
		{0xc8017c20, "stxr w1, x0, [x1]", true},
		{0xc8007c20, "stxr w0, x0, [x1]", true},
		{0xc8027c20, "stxr w2, x0, [x1]", false},
		{0xa9400421, "ldp x1, x1, [x1]", true},
		{0xa9400820, "ldp x0, x2, [x1]", false},
		{0xf8408421, "ldr x1, [x1], #8", true},
		{0xf8408420, "ldr x0, [x1], #8", false},
		{0xf8008c21, "str x1, [x1, #8]!", true},
		{0xf9400421, "ldr x1, [x1, #8]", false},
		{0xad400400, "ldp q0, q1, [x0]", false},
		{0xad400000, "ldp q0, q0, [x0]", true},
		{0xc8dffc21, "ldar x1, [x1]", false},
	} {
		in, err := arm64.Decode(tc.w)
		if !assert.NoError(t, err, tc.asm) {
			continue
		}
		assert.Equal(t, tc.unpre, unpredictable(tc.w, &in) != "", "%s (%08x)", tc.asm, tc.w)
	}
}
