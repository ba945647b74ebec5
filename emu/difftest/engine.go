package difftest

import "fmt"

// Engine is the small machine interface both engines implement for the
// tester: memory, the compared State, and a single step that reports the
// exception the instruction raised, if any, in the terms both engines can
// report (see Exception).
type Engine interface {
	// Name says which engine it is ("interpreter", "unicorn A72", ...).
	Name() string
	// Map maps [addr, addr+size) zero-filled, page aligned.
	Map(addr, size uint64, perm Perm) error
	// WriteMem and ReadMem access memory without permission checks (the
	// loader's view). WriteMem to code must be followed by FlushCode
	// before the code runs (Unicorn keeps stale translations otherwise).
	WriteMem(addr uint64, data []byte) error
	ReadMem(addr uint64, buf []byte) error
	// FlushCode drops any translated or decoded copy of [addr, addr+size).
	FlushCode(addr, size uint64) error
	// Reset clears the state a program could leave behind that State does
	// not cover (the exclusive monitor, DAIF) and puts the CPU at EL1h
	// with DAIF masked. It runs one CLREX at ClrexStub.
	Reset() error
	SetState(s *State) error
	GetState(s *State) error
	// Step executes one instruction at PC. The returned Exception has
	// Kind None when the instruction completed; otherwise the engine is
	// left with PC at the exception's preferred return address and the
	// rest of the state as the exception found it (no exception entry).
	// err is a failure of the harness, not of the guest.
	Step() (Exception, error)
	Close() error
}

// Perm is a set of page permissions.
type Perm uint8

const (
	PermR Perm = 1 << iota
	PermW
	PermX
	// PermU makes a page accessible to EL0 (and to LDTR/STTR at EL1). The
	// Unicorn adapter ignores it: with the MMU off there are no EL0
	// permissions (divergence "mmu-off-unprivileged").
	PermU
)

// Kind is the kind of synchronous exception an instruction raised, as far
// as both engines can tell it. Unicorn reports QEMU's exception index
// (EXCP_*) or an error code, never ESR: see the divergence table.
type Kind uint8

const (
	None Kind = iota
	Undefined
	BRK
	SVC
	HVC
	SMC
	DataAbort
	InstAbort
	PCAlign
	SPAlign
	Other
)

var kindNames = [...]string{"none", "undefined", "brk", "svc", "hvc", "smc",
	"data abort", "instruction abort", "pc alignment", "sp alignment", "other"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// FaultKind classifies an abort by its fault status code where the engine
// can tell.
type FaultKind uint8

const (
	FaultUnknown FaultKind = iota
	FaultTranslation
	FaultPermission
	FaultAlignment
)

func (f FaultKind) String() string {
	return [...]string{"?", "translation", "permission", "alignment"}[f&3]
}

// Exception is what a step reports. Fields an engine cannot tell are left
// at their "unknown" values and are not compared.
type Exception struct {
	Kind Kind
	// Addr is the fault address of an abort (FAR), when AddrKnown.
	Addr      uint64
	AddrKnown bool
	// Write tells a store from a load, when WriteKnown (ESR.WnR).
	Write      bool
	WriteKnown bool
	Fault      FaultKind
	// ESR is the syndrome, when ESRKnown (the interpreter only).
	ESR      uint64
	ESRKnown bool
	// Detail is engine-specific: the EC name, the Unicorn error or the
	// EXCP_* number.
	Detail string
}

func (e Exception) String() string {
	if e.Kind == None {
		return "none"
	}
	s := e.Kind.String()
	if e.Fault != FaultUnknown {
		s += " (" + e.Fault.String() + ")"
	}
	if e.WriteKnown {
		if e.Write {
			s += " write"
		} else {
			s += " read"
		}
	}
	if e.AddrKnown {
		s += fmt.Sprintf(" at %#x", e.Addr)
	}
	if e.ESRKnown {
		s += fmt.Sprintf(" ESR %#x", e.ESR)
	}
	if e.Detail != "" {
		s += " [" + e.Detail + "]"
	}
	return s
}

// sameException compares what both engines can report: the kind, and the
// fault address, direction and fault class where both know them. It
// returns why they differ, or "".
func sameException(a, b Exception) string {
	if a.Kind != b.Kind {
		return fmt.Sprintf("exception %v != %v", a, b)
	}
	if a.AddrKnown && b.AddrKnown && a.Addr != b.Addr {
		return fmt.Sprintf("fault address %#x != %#x", a.Addr, b.Addr)
	}
	if a.WriteKnown && b.WriteKnown && a.Write != b.Write {
		return fmt.Sprintf("fault direction write=%v != write=%v", a.Write, b.Write)
	}
	if a.Fault != FaultUnknown && b.Fault != FaultUnknown && a.Fault != b.Fault {
		return fmt.Sprintf("fault class %v != %v", a.Fault, b.Fault)
	}
	return ""
}

// The memory layout both engines run programs in. Low addresses, because
// Unicorn runs with the MMU off, where a virtual address is a physical one.
const (
	CodeBase  uint64 = 0x10000 // r-x: the program, then zeros (UDF #0)
	CodeSize  uint64 = 0x1000
	ClrexStub uint64 = 0x11000 // r-x: one CLREX that Reset executes
	DataBase  uint64 = 0x20000 // rw- (EL0 too): the data window loads and stores hit
	DataSize  uint64 = 0x2000
	ROBase    uint64 = 0x22000 // r-- (EL0 too): stores fault with a permission fault
	ROSize    uint64 = 0x1000
	pageSize  uint64 = 0x1000
)

// clrexWord is CLREX (Arm ARM C6.2.53), executed by Reset.
const clrexWord = 0xd503305f

// setupLayout maps the layout on e and writes the CLREX stub.
func setupLayout(e Engine) error {
	for _, m := range []struct {
		addr, size uint64
		perm       Perm
	}{
		{CodeBase, CodeSize, PermR | PermX},
		{ClrexStub, pageSize, PermR | PermX},
		{DataBase, DataSize, PermR | PermW | PermU},
		{ROBase, ROSize, PermR | PermU},
	} {
		if err := e.Map(m.addr, m.size, m.perm); err != nil {
			return fmt.Errorf("%s: map %#x: %w", e.Name(), m.addr, err)
		}
	}
	if err := e.WriteMem(ClrexStub, le32(clrexWord)); err != nil {
		return err
	}
	if err := e.WriteMem(ROBase, ROContent); err != nil {
		return err
	}
	return e.FlushCode(ClrexStub, pageSize)
}

func le32(ws ...uint32) []byte {
	b := make([]byte, 4*len(ws))
	for i, w := range ws {
		b[4*i] = byte(w)
		b[4*i+1] = byte(w >> 8)
		b[4*i+2] = byte(w >> 16)
		b[4*i+3] = byte(w >> 24)
	}
	return b
}
