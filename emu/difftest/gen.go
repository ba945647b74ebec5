package difftest

import (
	"maps"
	"math/rand/v2"
	"slices"

	"github.com/kpemu/kpemu/arm64"
)

// Row is one decode row the generator draws from: its class, its index in
// the class's decode table (arm64.Encodings order) and the row itself.
type Row struct {
	Class arm64.Class
	Index int
	arm64.Encoding
}

// Generator makes random valid instruction words for one model: the fixed
// bits of a decode row plus random free bits, kept when arm64.Decode
// accepts the word through that very row (not an earlier, more specific
// one), the interpreter executes the op with the model's features, and no
// exclusion applies. It is deterministic for a seed.
type Generator struct {
	model Model
	rng   *rand.Rand
	rows  map[arm64.Class][]Row // candidate rows: the interpreter executes their op
	// tables are the classes' full decode tables, to find the row Decode
	// would match first.
	tables map[arm64.Class][]arm64.Encoding
	// Skip, when set, keeps more words out: the tests use it for the
	// mismatches they exclude temporarily (known_test.go), with a reason.
	Skip func(w uint32, m Model) (reason string, skip bool)
}

// maxTries bounds the attempts to draw a valid word from one row before
// the generator gives up on it for this call.
const maxTries = 64

// NewGenerator returns a generator for model m seeded with seed.
func NewGenerator(m Model, seed uint64) *Generator {
	g := &Generator{
		model:  m,
		rows:   map[arm64.Class][]Row{},
		tables: map[arm64.Class][]arm64.Encoding{},
	}
	g.Seed(seed)
	ex := executor(m)
	for _, c := range Classes {
		t := arm64.Encodings(c)
		g.tables[c] = t
		for i, r := range t {
			if ex.Executes(r.Op) {
				g.rows[c] = append(g.rows[c], Row{Class: c, Index: i, Encoding: r})
			}
		}
	}
	return g
}

// Seed restarts the generator's random source.
func (g *Generator) Seed(seed uint64) {
	g.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

// Model returns the generator's model.
func (g *Generator) Model() Model { return g.model }

// Rand returns the generator's random source (programs draw their state
// from it, so that one seed determines everything).
func (g *Generator) Rand() *rand.Rand { return g.rng }

// Rows returns the candidate rows of class c on the generator's model.
func (g *Generator) Rows(c arm64.Class) []Row { return g.rows[c] }

// Instruction returns a random valid word of class c and its decoding. ok
// is false if the class has no candidate rows or no row gave a valid word
// within the attempts allowed.
func (g *Generator) Instruction(c arm64.Class) (w uint32, in arm64.Inst, row Row, ok bool) {
	rows := g.rows[c]
	if len(rows) == 0 {
		return 0, arm64.Inst{}, Row{}, false
	}
	for attempt := 0; attempt < 8; attempt++ {
		r := rows[g.rng.IntN(len(rows))]
		if w, in, ok := g.FromRow(r); ok {
			return w, in, r, true
		}
	}
	return 0, arm64.Inst{}, Row{}, false
}

// FromRow draws a valid word from row r.
func (g *Generator) FromRow(r Row) (uint32, arm64.Inst, bool) {
	for try := 0; try < maxTries; try++ {
		w := r.Value | g.rng.Uint32()&^r.Mask
		w = g.bias(w, r.Mask)
		if w&r.Mask != r.Value {
			continue
		}
		if in, ok := g.Valid(w, r); ok {
			return w, in, true
		}
	}
	return 0, arm64.Inst{}, false
}

// Valid reports whether w is a word the tester compares on the
// generator's model, decoded through row r.
func (g *Generator) Valid(w uint32, r Row) (arm64.Inst, bool) {
	if arm64.ClassOf(w) != r.Class || firstRow(g.tables[r.Class], w) != r.Index {
		return arm64.Inst{}, false
	}
	in, ok := Eligible(w, g.model)
	if ok && g.Skip != nil {
		if _, skip := g.Skip(w, g.model); skip {
			return in, false
		}
	}
	return in, ok
}

// Eligible reports whether w decodes, the interpreter executes it on model
// m, no exclusion keeps it out, and it is not CONSTRAINED UNPREDICTABLE.
func Eligible(w uint32, m Model) (arm64.Inst, bool) {
	in, err := arm64.Decode(w)
	if err != nil || !executor(m).Executes(in.Op) || excluded(w, m) != nil || unpredictable(w, &in) != "" {
		return in, false
	}
	return in, true
}

// firstRow returns the index of the first row of t that w matches (the
// one Decode tries), or -1.
func firstRow(t []arm64.Encoding, w uint32) int {
	for i, r := range t {
		if w&r.Mask == r.Value {
			return i
		}
	}
	return -1
}

// bias steers the free bits of a candidate toward words that do something
// observable: register fields toward a few registers (so instructions
// feed each other) and toward 31 (ZR/SP), PC-relative offsets toward
// targets near the program, load/store offsets into the data window, and
// system register fields toward the registers the tester compares.
func (g *Generator) bias(w, mask uint32) uint32 {
	rng := g.rng
	free := func(hi, lo uint) bool {
		f := uint32(1)<<(hi-lo+1) - 1
		return mask>>lo&f == 0
	}
	set := func(hi, lo uint, v uint32) {
		f := uint32(1)<<(hi-lo+1) - 1
		w = w&^(f<<lo) | (v&f)<<lo
	}
	// Register fields: Rd/Rt 4:0, Rn 9:5, Ra/Rt2 14:10, Rm/Rs 20:16.
	for _, lo := range []uint{0, 5, 10, 16} {
		if free(lo+4, lo) && rng.IntN(4) != 0 {
			r := uint32(rng.IntN(8))
			if rng.IntN(8) == 0 {
				r = 31
			}
			set(lo+4, lo, r)
		}
	}
	switch {
	case w&0x7c000000 == 0x14000000 && free(25, 0): // B, BL: imm26
		if rng.IntN(4) != 0 {
			set(25, 0, uint32(rng.IntN(33)-16))
		}
	case (w&0x7e000000 == 0x34000000 || w&0xff000010 == 0x54000000 || w&0x3b000000 == 0x18000000) && free(23, 5):
		// CBZ/CBNZ, B.cond, LDR (literal): imm19.
		if rng.IntN(4) != 0 {
			set(23, 5, uint32(rng.IntN(33)-16))
		}
	case w&0x7e000000 == 0x36000000 && free(18, 5): // TBZ/TBNZ: imm14
		if rng.IntN(4) != 0 {
			set(18, 5, uint32(rng.IntN(33)-16))
		}
	case w&0x3b000000 == 0x39000000 && free(21, 16): // load/store (unsigned immediate): imm12
		if rng.IntN(2) == 0 {
			set(21, 16, 0)
		}
	case w&0xffd00000 == 0xd5100000: // MSR (register), MRS
		var regs []arm64.SysReg
		if w&(1<<21) != 0 {
			regs = mrsList
		} else {
			regs = msrList
		}
		if free(19, 5) { // bit 20 is op0<1>, always 1
			set(19, 5, uint32(regs[rng.IntN(len(regs))]))
		}
	case w&0xfff80000 == 0xd5080000 && free(18, 5): // SYS
		set(18, 5, sysList[rng.IntN(len(sysList))])
	case w&0xfff8f01f == 0xd500401f && free(18, 16) && free(7, 5): // MSR (immediate)
		set(18, 16, 3)
		set(7, 5, uint32(6+rng.IntN(2))) // DAIFSet, DAIFClr
	}
	return w
}

// Sorted copies of the allow lists, so that drawing from them is
// deterministic (map iteration is not).
var (
	mrsList = slices.Sorted(maps.Keys(mrsAllowed))
	msrList = slices.Sorted(maps.Keys(msrAllowed))
	sysList = slices.Sorted(maps.Keys(sysAllowed))
)
