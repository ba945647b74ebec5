package difftest

import (
	"bytes"
	"fmt"

	"github.com/kpemu/kpemu/arm64"
)

// Runner executes programs on two engines in lock step and compares them
// after every instruction. A is the engine under test (the interpreter), B
// the oracle.
type Runner struct {
	A, B Engine
	// MaxSteps bounds the instructions of one program run (loops).
	MaxSteps int
	// Tolerated counts the tolerances applied, by divergence ID.
	Tolerated map[string]int

	// Trace holds the PCs of the instructions the last Run executed, and
	// Last the exception A reported at the last of them.
	Trace []uint64
	Last  Exception

	excl exclMark // the last load-exclusive of this run, seen from A

	code       []byte
	memA, memB []byte
	sa, sb     State
}

// DefaultMaxSteps bounds a program run: long enough for a program of
// MaxProgram instructions to loop a little.
const DefaultMaxSteps = 64

// NewRunner returns a runner comparing a (under test) with b (oracle).
func NewRunner(a, b Engine) *Runner {
	return &Runner{A: a, B: b, MaxSteps: DefaultMaxSteps, Tolerated: map[string]int{},
		code: make([]byte, CodeSize), memA: make([]byte, DataSize), memB: make([]byte, DataSize)}
}

// Mismatch describes the first step at which the engines disagreed.
type Mismatch struct {
	Program *Program
	Step    int      // 0-based instruction count at which they differed
	Trace   []uint64 // the PCs executed, the last one the differing step
	PC      uint64
	A, B    string // engine names
	ExcA    Exception
	ExcB    Exception
	Why     string // the exception difference, if any
	Fields  []FieldDiff
	Mem     []MemDiff
}

// MemDiff is a run of bytes of the data window that differ.
type MemDiff struct {
	Addr uint64
	A, B []byte
}

func (d MemDiff) String() string { return fmt.Sprintf("mem %#x: % x != % x", d.Addr, d.A, d.B) }

// Word returns the instruction word at the mismatching step, if it lies in
// the program.
func (m *Mismatch) Word() (uint32, bool) { return m.Program.WordAt(m.PC) }

// Load puts program p into engine e: code, data window, state, after a
// Reset.
func (r *Runner) Load(e Engine, p *Program) error {
	if err := e.Reset(); err != nil {
		return err
	}
	clear(r.code)
	copy(r.code, le32(p.Words...))
	if err := e.WriteMem(CodeBase, r.code); err != nil {
		return err
	}
	if err := e.FlushCode(CodeBase, CodeSize); err != nil {
		return err
	}
	if err := e.WriteMem(DataBase, p.Mem); err != nil {
		return err
	}
	return e.SetState(&p.Init)
}

// Run executes p on both engines one instruction at a time until an
// exception (compared, then the run ends), MaxSteps, or a mismatch. It
// returns the number of instructions executed and the mismatch, if any;
// err reports a failure of an engine itself.
func (r *Runner) Run(p *Program) (steps int, mm *Mismatch, err error) {
	if err := r.Load(r.A, p); err != nil {
		return 0, nil, fmt.Errorf("%s: load: %w", r.A.Name(), err)
	}
	if err := r.Load(r.B, p); err != nil {
		return 0, nil, fmt.Errorf("%s: load: %w", r.B.Name(), err)
	}
	r.Trace = r.Trace[:0]
	r.Last = Exception{}
	r.excl = exclMark{}
	r.sa = p.Init
	pc := p.Init.PC
	for steps < r.MaxSteps {
		r.Trace = append(r.Trace, pc)
		r.trackExclusive(p, pc)
		ea, err := r.A.Step()
		if err != nil {
			return steps, nil, fmt.Errorf("%s: step at %#x: %w", r.A.Name(), pc, err)
		}
		eb, err := r.B.Step()
		if err != nil {
			return steps, nil, fmt.Errorf("%s: step at %#x: %w", r.B.Name(), pc, err)
		}
		steps++
		r.Last = ea
		if err := r.A.GetState(&r.sa); err != nil {
			return steps, nil, err
		}
		if err := r.B.GetState(&r.sb); err != nil {
			return steps, nil, err
		}
		m := &Mismatch{Program: p, Step: steps - 1, PC: pc, A: r.A.Name(), B: r.B.Name(), ExcA: ea, ExcB: eb}
		m.Why = sameException(ea, eb)
		m.Fields = r.tolerateRegs(p, pc, ea, eb, Diff(&r.sa, &r.sb))
		// Memory: after every instruction that can write it, and at the
		// end of the program (which catches a write by any other).
		last := ea.Kind != None || eb.Kind != None || steps == r.MaxSteps
		if w, ok := p.WordAt(pc); last || !ok || mayWrite(w) {
			if err := r.A.ReadMem(DataBase, r.memA); err != nil {
				return steps, nil, err
			}
			if err := r.B.ReadMem(DataBase, r.memB); err != nil {
				return steps, nil, err
			}
			if !bytes.Equal(r.memA, r.memB) {
				m.Mem = r.tolerateMem(ea, eb, memDiffs(r.memA, r.memB))
			}
		}
		if m.Why != "" || len(m.Fields) > 0 || len(m.Mem) > 0 {
			if id := r.tolerated(p, pc, ea, eb); id != "" {
				r.Tolerated[id]++
				break // the engines part ways here by design: end the program
			}
			m.Trace = append([]uint64(nil), r.Trace...)
			return steps, m, nil
		}
		if ea.Kind != None {
			break
		}
		pc = r.sa.PC
	}
	return steps, nil, nil
}

// mayWrite reports whether w can write memory: loads and stores (a store,
// an atomic, DC ZVA...) and system instructions.
func mayWrite(w uint32) bool {
	switch arm64.ClassOf(w) {
	case arm64.ClassLdSt, arm64.ClassSIMDLdSt:
		return true
	}
	return w&0xfff80000 == 0xd5080000 // SYS
}

// tolerances are the divergences after which the engines' states differ
// by design (see Divergences): the runner counts them and ends the program.
var tolerances = []struct {
	id    string
	match func(w uint32, a, b Exception) bool
}{
	{"mmu-off-unprivileged", func(w uint32, a, b Exception) bool {
		// LDTR/STTR and friends (C4.1.66, load/store register
		// unprivileged): size 111 0 00 opc 0 imm9 10 Rn Rt.
		return w&0x3f200c00 == 0x38000800 && a.Kind == DataAbort && a.Fault == FaultPermission && b.Kind == None
	}},
	{"mmu-off-cache-maintenance", func(w uint32, a, b Exception) bool {
		return w&0xfff80000 == 0xd5080000 && cacheByVA[sysOp(w)] && a.Kind == DataAbort && b.Kind == None
	}},
}

// cacheByVA are the cache maintenance operations by address that QEMU does
// not translate (DC ZVA, which writes memory, is not among them).
var cacheByVA = map[uint32]bool{
	sysEnc(3, 7, 5, 1): true, sysEnc(0, 7, 6, 1): true, sysEnc(3, 7, 10, 1): true,
	sysEnc(3, 7, 11, 1): true, sysEnc(3, 7, 14, 1): true,
}

// exclMark is what the runner knows of the exclusive monitor: the address
// and size the last load-exclusive marked, and whether memory may have
// been written since.
type exclMark struct {
	valid, dirty bool
	addr, size   uint64
	// store is set while the step being run is a store-exclusive whose
	// outcome the architecture leaves to the implementation: another
	// address or size than the mark, or a write in between.
	store bool
}

// exclusive classifies w among the load/store exclusives (C4.1.66: size
// 001000 o2=0 L o1 ..., not CASP) and returns the bytes it accesses.
func exclusive(w uint32) (load, store bool, size uint64) {
	if w&0x3f800000 != 0x08000000 {
		return false, false, 0
	}
	sz, o1 := w>>30, w>>21&1
	if o1 == 1 && sz < 2 {
		return false, false, 0 // CASP
	}
	size = 1 << sz
	if o1 == 1 {
		size *= 2
	}
	return w>>22&1 == 1, w>>22&1 == 0, size
}

// trackExclusive updates the runner's view of the monitor before the
// instruction at pc runs (r.sa is the state before it).
func (r *Runner) trackExclusive(p *Program, pc uint64) {
	r.excl.store = false
	w, ok := p.WordAt(pc)
	if !ok {
		return
	}
	load, store, size := exclusive(w)
	n := int(w>>5) & 31
	addr := r.sa.SP
	if n != 31 {
		addr = r.sa.X[n]
	}
	switch {
	case load:
		r.excl = exclMark{valid: true, addr: addr, size: size}
	case store:
		r.excl.store = r.excl.valid && (r.excl.dirty || r.excl.addr != addr || r.excl.size != size)
		r.excl.valid = false
	case w&^0xf00 == clrexWord&^0xf00: // CLREX #CRm
		r.excl.valid = false
	case mayWrite(w):
		r.excl.dirty = true
	}
}

// tolerated returns the ID of the tolerance that covers a mismatch at pc,
// or "".
func (r *Runner) tolerated(p *Program, pc uint64, a, b Exception) string {
	w, ok := p.WordAt(pc)
	if !ok {
		return ""
	}
	if r.excl.store && a.Kind == None && b.Kind == None {
		return "exclusive-pass-imp-def"
	}
	for _, t := range tolerances {
		if t.match(w, a, b) {
			return t.id
		}
	}
	return ""
}

// tolerateMem drops the memory differences the architecture allows after
// a faulting store (divergence "store-fault-partial").
func (r *Runner) tolerateMem(ea, eb Exception, diffs []MemDiff) []MemDiff {
	if ea.Kind != DataAbort || eb.Kind != DataAbort || !(ea.Write || eb.Write) {
		return diffs
	}
	far, ok := ea.Addr, ea.AddrKnown
	if !ok {
		far, ok = eb.Addr, eb.AddrKnown
	}
	if !ok {
		return diffs
	}
	var out []MemDiff
	for _, d := range diffs {
		if d.Addr+64 >= far && d.Addr+uint64(len(d.A)) <= far {
			r.Tolerated["store-fault-partial"]++
			continue
		}
		out = append(out, d)
	}
	return out
}

// tolerateRegs drops the differences in the transfer registers of a load
// both engines abandoned with a Data Abort (divergence
// "aborted-load-registers").
func (r *Runner) tolerateRegs(p *Program, pc uint64, ea, eb Exception, diffs []FieldDiff) []FieldDiff {
	if ea.Kind != DataAbort || eb.Kind != DataAbort || len(diffs) == 0 {
		return diffs
	}
	w, ok := p.WordAt(pc)
	if !ok {
		return diffs
	}
	in, err := arm64.Decode(w)
	if err != nil {
		return diffs
	}
	unknown := map[string]bool{}
	switch in.Op.Class() {
	case arm64.ClassLdSt:
		for _, t := range []arm64.Reg{in.Rt, in.Rt2} {
			if t < 31 && t != in.Rn {
				unknown[fmt.Sprintf("x%d", t)] = true
			}
		}
	case arm64.ClassSIMDLdSt:
		for i := 0; i < 4; i++ {
			unknown[fmt.Sprintf("v%d", (int(in.Rt)+i)%32)] = true
		}
		if in.Rt2 != in.Rt {
			unknown[fmt.Sprintf("v%d", in.Rt2)] = true
		}
	}
	var out []FieldDiff
	for _, d := range diffs {
		if unknown[d.Field] {
			r.Tolerated["aborted-load-registers"]++
			continue
		}
		out = append(out, d)
	}
	return out
}

// memDiffs lists the runs of differing bytes of the data window (at most
// eight of them).
func memDiffs(a, b []byte) []MemDiff {
	var out []MemDiff
	for i := 0; i < len(a) && len(out) < 8; i++ {
		if a[i] == b[i] {
			continue
		}
		j := i
		for j < len(a) && a[j] != b[j] {
			j++
		}
		out = append(out, MemDiff{Addr: DataBase + uint64(i),
			A: append([]byte(nil), a[i:j]...), B: append([]byte(nil), b[i:j]...)})
		i = j
	}
	return out
}
