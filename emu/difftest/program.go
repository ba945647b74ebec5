package difftest

import (
	"encoding/binary"
	"math"
	"math/rand/v2"

	"github.com/kpemu/kpemu/arm64"
)

// Program is one test case: instruction words placed at CodeBase, the
// initial State, and the initial contents of the data window (DataSize
// bytes at DataBase). The read-only page holds ROContent in every program.
type Program struct {
	Model Model
	Class arm64.Class // the class it was generated for
	Words []uint32
	Init  State
	Mem   []byte
}

// Clone returns a deep copy.
func (p *Program) Clone() *Program {
	q := *p
	q.Words = append([]uint32(nil), p.Words...)
	q.Mem = append([]byte(nil), p.Mem...)
	return &q
}

// WordAt returns the program's word at address pc, if pc is one of its
// instructions.
func (p *Program) WordAt(pc uint64) (uint32, bool) {
	if pc < CodeBase || pc&3 != 0 || (pc-CodeBase)/4 >= uint64(len(p.Words)) {
		return 0, false
	}
	return p.Words[(pc-CodeBase)/4], true
}

// MaxProgram is the longest program the generator makes.
const MaxProgram = 16

// Program generates a program for class c: 1..MaxProgram instructions,
// three in four of class c and the others of any class, all valid on the
// generator's model; random state biased to interesting values.
func (g *Generator) Program(c arm64.Class) *Program {
	rng := g.rng
	p := &Program{Model: g.model, Class: c}
	n := 1 + rng.IntN(MaxProgram)
	for len(p.Words) < n {
		cc := c
		if rng.IntN(4) == 0 {
			cc = Classes[rng.IntN(len(Classes))]
		}
		if w, _, _, ok := g.Instruction(cc); ok {
			p.Words = append(p.Words, w)
		} else if cc == c {
			break // the class has nothing to offer (yet)
		}
	}
	p.Init = RandomState(rng)
	p.Mem = RandomMemory(rng)
	biasAddresses(rng, p)
	return p
}

// biasAddresses points the base register of most loads and stores (and
// the address operand of DC and IC) into the data window (aligned to 16 bytes mostly, so that exclusives and
// atomics pass their alignment check), so that programs of memory
// instructions get past their first access more often than random
// registers would let them.
func biasAddresses(rng *rand.Rand, p *Program) {
	for _, w := range p.Words {
		in, err := arm64.Decode(w)
		if err != nil || rng.IntN(4) == 0 {
			continue
		}
		addr := DataBase + 0x100 + uint64(rng.IntN(int(DataSize)-0x200))
		if rng.IntN(8) != 0 {
			addr &^= 15
		}
		if w&0xfff80000 == 0xd5080000 { // SYS: DC ZVA, cache maintenance by address
			if in.Rt < 31 {
				p.Init.X[in.Rt] = addr
			}
			continue
		}
		if c := in.Op.Class(); c != arm64.ClassLdSt && c != arm64.ClassSIMDLdSt {
			continue
		}
		switch {
		case in.Rn < 31:
			p.Init.X[in.Rn] = addr
		case in.Rn == arm64.SP && rng.IntN(2) == 0:
			p.Init.SP = addr &^ 15
		}
		if in.Mode == arm64.AddrRegOffset && in.Rm < 31 && in.Rm != in.Rn {
			p.Init.X[in.Rm] = uint64(rng.IntN(64)) - 16
		}
	}
}

// RandomState returns a random initial state at CodeBase: registers biased
// to interesting values (see RandomValue), SP in the data window (16-byte
// aligned mostly), random flags, FP/SIMD registers holding special
// floating-point values, FPCR mostly zero.
func RandomState(rng *rand.Rand) State {
	var s State
	for i := range s.X {
		s.X[i] = RandomValue(rng)
	}
	s.PC = CodeBase
	switch rng.IntN(16) {
	case 0:
		s.SP = RandomValue(rng)
	case 1, 2:
		s.SP = DataBase + 0x100 + uint64(rng.IntN(int(DataSize)-0x200)) // unaligned
	default:
		s.SP = DataBase + 0x100 + uint64(rng.IntN(int(DataSize)-0x200))&^15
	}
	s.NZCV = uint64(rng.IntN(16)) << 28
	for i := range s.V {
		s.V[i] = randomVector(rng)
	}
	if rng.IntN(4) == 0 {
		// AHP, DN, FZ, RMode (Arm ARM C5.2.8 FPCR): the controls of FP
		// arithmetic that Armv8.0 has.
		s.FPCR = uint64(rng.IntN(32)) << 22
	}
	if rng.IntN(4) == 0 {
		// The cumulative exception bits and QC (C5.2.9 FPSR).
		s.FPSR = uint64(rng.IntN(32)) | uint64(rng.IntN(2))<<7 | uint64(rng.IntN(2))<<27
	}
	s.TPIDR = RandomValue(rng)
	s.TPIDRRO = RandomValue(rng)
	s.TPIDR1 = RandomValue(rng)
	return s
}

// RandomValue returns a 64-bit value biased toward the edges of integer
// arithmetic and toward addresses: in the data window (mostly aligned,
// sometimes not, sometimes near a page end so that an access crosses into
// the read-only page or unmapped memory) and in the program (branch
// targets).
func RandomValue(rng *rand.Rand) uint64 {
	switch rng.IntN(20) {
	case 0:
		return 0
	case 1:
		return 1
	case 2:
		return math.MaxUint64
	case 3:
		return 1 << 63
	case 4:
		return 1<<63 - 1
	case 5:
		return []uint64{0x80000000, 0x7fffffff, 0xffffffff, 0xffffffff80000000, 0x100000000}[rng.IntN(5)]
	case 6:
		return uint64(rng.IntN(65))
	case 7:
		return -uint64(rng.IntN(65))
	case 8:
		return 1 << rng.IntN(64)
	case 9, 10, 11:
		return DataBase + uint64(rng.IntN(int(DataSize)))&^7
	case 12:
		return DataBase + uint64(rng.IntN(int(DataSize))) // any alignment
	case 13:
		// Near the end of a data page, the read-only page or the end of
		// everything mapped.
		ends := []uint64{DataBase + pageSize, ROBase, ROBase + ROSize}
		return ends[rng.IntN(len(ends))] - uint64(rng.IntN(24))
	case 14:
		return CodeBase + 4*uint64(rng.IntN(MaxProgram+2))
	case 15:
		return uint64(rng.Uint32())
	default:
		return rng.Uint64()
	}
}

// Interesting floating-point bit patterns, single and double precision.
var (
	f32Special = []uint32{0, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000,
		0x7fc00000, 0x7fa00000, 0xffc00001, 0x00800000, 0x007fffff, 0x00000001, 0x7f7fffff,
		0x3f000000, 0x4f000000, 0xcf000000, 0x5f000000, 0x4effffff, 0x3fc00000, 0x40490fdb}
	f64Special = []uint64{0, 1 << 63, 0x3ff0000000000000, 0xbff0000000000000,
		0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000, 0x7ff4000000000000,
		0xfff8000000000001, 0x0010000000000000, 0x000fffffffffffff, 1, 0x7fefffffffffffff,
		0x3fe0000000000000, 0x41e0000000000000, 0xc1e0000000000000, 0x43e0000000000000,
		0x43dfffffffffffff, 0x3ff8000000000000, 0x400921fb54442d18}
)

func randomVector(rng *rand.Rand) [2]uint64 {
	switch rng.IntN(6) {
	case 0:
		return [2]uint64{}
	case 1:
		return [2]uint64{rng.Uint64(), rng.Uint64()}
	case 2, 3: // double lanes
		return [2]uint64{f64Special[rng.IntN(len(f64Special))], f64Special[rng.IntN(len(f64Special))]}
	case 4: // single lanes
		var v [2]uint64
		for i := 0; i < 4; i++ {
			v[i/2] |= uint64(f32Special[rng.IntN(len(f32Special))]) << (32 * (i % 2))
		}
		return v
	default:
		return [2]uint64{RandomValue(rng), RandomValue(rng)}
	}
}

// ROContent is the content of the read-only page: fixed, because nothing
// can change it and writing a page the guest may not write costs Unicorn
// about 15 µs (it changes the protection around the write).
var ROContent = func() []byte {
	b := RandomMemory(rand.New(rand.NewPCG(0x20, 0x22)))
	return b[:ROSize]
}()

// RandomMemory returns initial contents for the data window: runs of
// zeros, random bytes, and 8-byte RandomValues (pointers into the window
// among them, for loads that feed addresses).
func RandomMemory(rng *rand.Rand) []byte {
	mem := make([]byte, DataSize)
	for off := 0; off < len(mem); off += 64 {
		chunk := mem[off : off+64]
		switch rng.IntN(4) {
		case 0: // zeros
		case 1:
			for i := 0; i < len(chunk); i += 8 {
				binary.LittleEndian.PutUint64(chunk[i:], rng.Uint64())
			}
		default:
			for i := 0; i < len(chunk); i += 8 {
				binary.LittleEndian.PutUint64(chunk[i:], RandomValue(rng))
			}
		}
	}
	return mem
}
