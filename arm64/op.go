package arm64

import "fmt"

// Op is a decoded operation: one instruction form of the manual, named after
// its base mnemonic and, where the mnemonic has several encodings, the form
// (ADDimm is ADD (immediate), ADDshift ADD (shifted register), ADDext ADD
// (extended register)). Aliases (MOV, CMP, LSL, ...) are not Ops: they are
// the printer's business, the executor only sees the base instruction.
//
// Ops are grouped by encoding class: each class owns a block of
// opsPerClass values, declared in the class's decode file, so that the
// executor can keep one flat table indexed by Op.
type Op uint16

// Class is an encoding class of the A64 instruction set, as the manual's
// top-level decode table groups them.
type Class uint8

const (
	ClassInvalid  Class = iota
	ClassDPImm          // data processing - immediate
	ClassDPReg          // data processing - register
	ClassBranch         // branches, exception generating and system instructions
	ClassLdSt           // loads and stores of general-purpose registers
	ClassSIMDLdSt       // loads and stores of FP/SIMD registers
	ClassSIMD           // data processing - scalar FP and advanced SIMD
	numClasses
)

var classNames = [numClasses]string{
	ClassInvalid:  "invalid",
	ClassDPImm:    "data processing (immediate)",
	ClassDPReg:    "data processing (register)",
	ClassBranch:   "branches, exception generating and system",
	ClassLdSt:     "loads and stores",
	ClassSIMDLdSt: "loads and stores (FP/SIMD)",
	ClassSIMD:     "data processing (scalar FP and advanced SIMD)",
}

func (c Class) String() string {
	if c < numClasses {
		return classNames[c]
	}
	return fmt.Sprintf("class(%d)", uint8(c))
}

// opsPerClass is the size of each class's block of Op values.
const opsPerClass = 512

// NumOps bounds the Op values: an executor's table of NumOps entries is
// indexed by any Op.
const NumOps = int(numClasses) * opsPerClass

// classBase returns the first Op of a class's block. Op(0), the first of
// ClassInvalid, is OpInvalid.
func classBase(c Class) Op { return Op(c) * opsPerClass }

// OpInvalid is the zero Op: no instruction.
const OpInvalid Op = 0

// Class returns the encoding class the op belongs to.
func (op Op) Class() Class { return Class(op / opsPerClass) }

var opNames [NumOps]string

// registerOps names a class's ops; each class file calls it from init with
// an array indexed by op - classBase(class).
func registerOps(c Class, names []string) {
	base := classBase(c)
	for i, n := range names {
		if n == "" {
			continue
		}
		op := base + Op(i)
		if opNames[op] != "" {
			panic("arm64: op registered twice: " + n)
		}
		opNames[op] = n
	}
}

func (op Op) String() string {
	if int(op) < NumOps && opNames[op] != "" {
		return opNames[op]
	}
	if op == OpInvalid {
		return "invalid"
	}
	return fmt.Sprintf("Op(%d)", uint16(op))
}

// Ops returns every op with a name, in numeric order.
func Ops() []Op {
	var ops []Op
	for i, n := range opNames {
		if n != "" {
			ops = append(ops, Op(i))
		}
	}
	return ops
}

// opLoadExclusive marks the load-exclusive ops (LDXR, LDAXR, LDXP, ...):
// the software step exception reports stepping one (ESR ISS.EX).
var opLoadExclusive [NumOps]bool

// IsLoadExclusive reports whether op is a load-exclusive.
func (op Op) IsLoadExclusive() bool { return int(op) < NumOps && opLoadExclusive[op] }
