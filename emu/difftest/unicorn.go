//go:build unicorn

package difftest

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/kpemu/kpemu/emu"
	uc "github.com/kpemu/kpemu/emu/unicorn"
)

// Unicorn adapts the Unicorn engine (package emu/unicorn) to Engine. It
// implements the handling of the divergences listed in Divergences.
type Unicorn struct {
	e     *uc.Engine
	model Model
	name  string

	// Set by the hooks during a step.
	intr      bool
	intno     uint32
	inval     bool
	invalAddr uint64

	// pendingFetch is an instruction fetch fault Unicorn reported while
	// finishing the previous instruction (divergence "fetch-fault-early"):
	// it belongs to the next step.
	pendingFetch *Exception
}

// unicornModels maps the tester's models to Unicorn's CPU models.
var unicornModels = map[Model]uc.CPUModel{A72: uc.CPUA72, MAX: uc.CPUMax}

// SCTLR_EL1 bits the adapter clears: SA and SA0 (divergence
// "sp-alignment"), and EnIA, EnIB, EnDA, EnDB (bits 31, 30, 27, 13), so that
// on MAX no pointer authentication key is in use (they reset clear in
// QEMU; clearing them says so).
const sctlrClear = sctlrSA | sctlrSA0 | 1<<31 | 1<<30 | 1<<27 | 1<<13

// NewUnicorn opens a Unicorn engine of model m with the tester's layout.
func NewUnicorn(m Model) (*Unicorn, error) {
	model, ok := unicornModels[m]
	if !ok {
		return nil, fmt.Errorf("difftest: no Unicorn model for %v", m)
	}
	e, err := uc.New(model)
	if err != nil {
		return nil, err
	}
	u := &Unicorn{e: e, model: m, name: "unicorn " + m.String()}
	sctlr, err := e.ReadSysReg(uc.SysSCTLR_EL1)
	if err == nil {
		err = e.WriteSysReg(uc.SysSCTLR_EL1, sctlr&^sctlrClear)
	}
	if err != nil {
		e.Close()
		return nil, err
	}
	// Divergence "no-exception-entry": Unicorn hands exceptions to this
	// hook without taking them; resuming would re-execute the faulting
	// instruction (or run past SVC), so the step ends here.
	if _, err := e.HookInterrupt(func(intno uint32) {
		u.intr, u.intno = true, intno
		_ = e.Stop()
	}); err != nil {
		e.Close()
		return nil, err
	}
	if _, err := e.HookMemInvalid(func(a uc.MemAccess, addr uint64, size int, value int64) bool {
		if !u.inval { // the first faulting access is the one reported
			u.inval, u.invalAddr = true, addr
		}
		return false
	}); err != nil {
		e.Close()
		return nil, err
	}
	if err := setupLayout(u); err != nil {
		e.Close()
		return nil, err
	}
	return u, u.Reset()
}

func (u *Unicorn) Name() string { return u.name }

// Engine returns the underlying Unicorn engine.
func (u *Unicorn) Engine() *uc.Engine { return u.e }

func (u *Unicorn) Map(addr, size uint64, perm Perm) error {
	var p uc.Perm
	if perm&PermR != 0 {
		p |= uc.PermR
	}
	if perm&PermW != 0 {
		p |= uc.PermW
	}
	if perm&PermX != 0 {
		p |= uc.PermX
	}
	return u.e.Map(addr, size, p)
}

func (u *Unicorn) WriteMem(addr uint64, data []byte) error { return u.e.WriteMem(addr, data) }
func (u *Unicorn) ReadMem(addr uint64, buf []byte) error   { return u.e.ReadMem(addr, buf) }

// FlushCode drops the translated blocks of the range (divergence
// "stale-translation").
func (u *Unicorn) FlushCode(addr, size uint64) error { return u.e.InvalidateTB(addr, addr+size) }

func (u *Unicorn) Reset() error {
	u.pendingFetch = nil
	if err := u.e.RegWrite(uc.PC, ClrexStub); err != nil {
		return err
	}
	x, err := u.Step()
	if err != nil {
		return err
	}
	if x.Kind != None {
		return fmt.Errorf("%s: CLREX raised %v", u.name, x)
	}
	// EL1h with DAIF masked; NZCV is set by SetState.
	return u.e.RegWrite(uc.PSTATE, 0x3c5)
}

func (u *Unicorn) SetState(s *State) error {
	for i, x := range s.X {
		if err := u.e.RegWrite(uc.XReg(i), x); err != nil {
			return err
		}
	}
	for _, r := range []struct {
		reg uc.Reg
		v   uint64
	}{{uc.SP, s.SP}, {uc.PC, s.PC}, {uc.NZCV, s.NZCV}, {uc.FPCR, s.FPCR}, {uc.FPSR, s.FPSR},
		{uc.TPIDR_EL0, s.TPIDR}, {uc.TPIDRRO_EL0, s.TPIDRRO}, {uc.TPIDR_EL1, s.TPIDR1}} {
		if err := u.e.RegWrite(r.reg, r.v); err != nil {
			return err
		}
	}
	for i, v := range s.V {
		if err := u.e.RegWrite128(uc.VReg(i), v); err != nil {
			return err
		}
	}
	return nil
}

func (u *Unicorn) GetState(s *State) error {
	var err error
	for i := range s.X {
		if s.X[i], err = u.e.RegRead(uc.XReg(i)); err != nil {
			return err
		}
	}
	for _, r := range []struct {
		reg uc.Reg
		v   *uint64
	}{{uc.SP, &s.SP}, {uc.PC, &s.PC}, {uc.NZCV, &s.NZCV}, {uc.FPCR, &s.FPCR}, {uc.FPSR, &s.FPSR},
		{uc.TPIDR_EL0, &s.TPIDR}, {uc.TPIDRRO_EL0, &s.TPIDRRO}, {uc.TPIDR_EL1, &s.TPIDR1}} {
		if *r.v, err = u.e.RegRead(r.reg); err != nil {
			return err
		}
	}
	for i := range s.V {
		if s.V[i], err = u.e.RegRead128(uc.VReg(i)); err != nil {
			return err
		}
	}
	// Unicorn's CPUs implement AArch32 and keep FPCR.Len/Stride and
	// FPSR.N/Z/C/V, which are RES0 on kpemu's AArch64-only CPU: compare
	// the fields both implement.
	s.FPCR &= emu.FPCRImplemented
	s.FPSR &= emu.FPSRImplemented
	return nil
}

// QEMU's exception indexes (target/arm/cpu.h) that reach the interrupt
// hook.
const (
	excpUDEF     = 1
	excpSWI      = 2
	excpPrefetch = 3
	excpData     = 4
	excpBKPT     = 7
	excpHVC      = 11
	excpSMC      = 13
)

// Step runs one instruction: uc_emu_start with a count of 1. The until
// address only has to differ from PC (Unicorn returns at once when they
// are equal); if the instruction branches to it, Unicorn stops there,
// which is also after one instruction.
func (u *Unicorn) Step() (Exception, error) {
	pc, err := u.e.RegRead(uc.PC)
	if err != nil {
		return Exception{}, err
	}
	if p := u.pendingFetch; p != nil {
		u.pendingFetch = nil
		if p.Addr == pc { // Addr is the target, known or not
			return *p, nil
		}
	}
	var b [4]byte
	if pc&3 == 0 && u.e.ReadMem(pc, b[:]) == nil {
		w := binary.LittleEndian.Uint32(b[:])
		// Divergence "qemu-alignment".
		if x, ok, err := u.alignmentFault(w); err != nil || ok {
			return x, err
		}
		// Divergence "clrex-sentinel".
		if done, err := u.storeExclusiveByteAtTop(w, pc); err != nil || done {
			return Exception{}, err
		}
	}
	u.intr, u.inval = false, false
	err = u.e.Start(pc, pc^1<<63, 0, 1)
	if u.intr {
		return u.interrupt(pc, u.intno)
	}
	if err == nil {
		return Exception{}, nil
	}
	var code uc.ErrCode
	if !errors.As(err, &code) {
		return Exception{}, err
	}
	x := Exception{Detail: code.Name()}
	switch code {
	case uc.ErrReadUnmapped, uc.ErrWriteUnmapped, uc.ErrReadProt, uc.ErrWriteProt:
		x.Kind = DataAbort
		x.Fault = FaultTranslation
		if code == uc.ErrReadProt || code == uc.ErrWriteProt {
			x.Fault = FaultPermission
		}
		x.Write, x.WriteKnown = code == uc.ErrWriteUnmapped || code == uc.ErrWriteProt, true
	case uc.ErrFetchUnmapped, uc.ErrFetchProt:
		x.Kind = InstAbort
		x.Fault = FaultTranslation
		if code == uc.ErrFetchProt {
			x.Fault = FaultPermission
		}
	case uc.ErrReadUnaligned, uc.ErrWriteUnaligned:
		x.Kind, x.Fault = DataAbort, FaultAlignment
	case uc.ErrFetchUnaligned:
		x.Kind = PCAlign
	case uc.ErrInsnInvalid:
		x.Kind = Undefined
	default:
		return Exception{}, err
	}
	if u.inval && x.Kind != Undefined && x.Kind != PCAlign {
		x.Addr, x.AddrKnown = u.invalAddr, true
	}
	if x.Kind == DataAbort {
		// Divergence "data-abort-pc".
		if now, err := u.e.RegRead(uc.PC); err != nil {
			return x, err
		} else if now != pc {
			x.Detail += fmt.Sprintf(", PC %#x put back", now)
			if err := u.e.RegWrite(uc.PC, pc); err != nil {
				return x, err
			}
		}
	}
	if x.Kind == InstAbort && x.AddrKnown {
		target := x.Addr
		if target&3 != 0 {
			// Divergence "pc-alignment-priority".
			x = Exception{Kind: PCAlign, Detail: x.Detail + " at an unaligned PC"}
		}
		if target != pc {
			// Divergence "fetch-fault-early": the instruction at pc
			// completed; the fault is the next fetch's.
			x.Addr = target
			u.pendingFetch = &x
			return Exception{}, nil
		}
	}
	return x, nil
}

// alignmentFault raises the alignment fault of the loads and stores whose
// address the architecture requires to be aligned whatever SCTLR_EL1.A says
// (Arm ARM B2.5.2: exclusives, load-acquire/store-release, LDAPR, the LSE
// atomics and CAS), when their address (the base register) is not: QEMU
// 5.0 misses it in three cases (divergence "qemu-alignment"). ok is false
// for any other word, or an aligned address.
func (u *Unicorn) alignmentFault(w uint32) (x Exception, ok bool, err error) {
	size := w >> 30
	var align uint64
	x = Exception{Kind: DataAbort, Fault: FaultAlignment, Detail: "misaligned (raised by the adapter)"}
	switch {
	case w&0x3f000000 == 0x08000000:
		// Load/store exclusive, load-acquire/store-release, CAS, CASP
		// (C4.1.66): size 001000 o2 L o1 Rs o0 Rt2 Rn Rt.
		o2, l, o1 := w>>23&1, w>>22&1, w>>21&1
		align = 1 << size
		switch {
		case o2 == 0 && o1 == 1 && size < 2: // CASP: a pair of 4 << sz
			align = 8 << (size & 1)
		case o2 == 0 && o1 == 1: // LDXP/STXP: a pair of 1 << size
			align = 2 << size
		}
		if !(o1 == 1 && (o2 == 1 || size < 2)) { // not CAS or CASP
			x.Write, x.WriteKnown = l == 0, true
		}
	case w&0x3f200c00 == 0x38200000:
		// Atomic memory operations and LDAPR (C4.1.66).
		align = 1 << size
	default:
		return x, false, nil
	}
	n := int(w>>5) & 31
	if n == 31 {
		x.Addr, err = u.e.RegRead(uc.SP)
	} else {
		x.Addr, err = u.e.RegRead(uc.XReg(n))
	}
	x.AddrKnown = true
	return x, err == nil && x.Addr&(align-1) != 0, err
}

// storeExclusiveByteAtTop executes STXRB/STLXRB to address
// 0xffffffffffffffff the architectural way: it fails (Ws = 1) without an
// access, since no load-exclusive can have marked that address (it is not
// mapped). QEMU 5.0 marks a clear monitor with that very address and so
// attempts the store (divergence "clrex-sentinel").
func (u *Unicorn) storeExclusiveByteAtTop(w uint32, pc uint64) (bool, error) {
	// size=00 001000 o2=0 L=0 o1=0 Rs o0 Rt2 Rn Rt
	if w&0xffe00000 != 0x08000000 {
		return false, nil
	}
	n := int(w>>5) & 31
	reg := uc.SP
	if n != 31 {
		reg = uc.XReg(n)
	}
	addr, err := u.e.RegRead(reg)
	if err != nil || addr != ^uint64(0) {
		return false, err
	}
	if s := int(w>>16) & 31; s != 31 {
		if err := u.e.RegWrite(uc.XReg(s), 1); err != nil {
			return false, err
		}
	}
	return true, u.e.RegWrite(uc.PC, pc+4)
}

// interrupt translates an exception index (divergences "udef-index",
// "data-abort-index").
func (u *Unicorn) interrupt(start uint64, intno uint32) (Exception, error) {
	x := Exception{Detail: fmt.Sprintf("EXCP %d", intno)}
	pc, err := u.e.RegRead(uc.PC)
	if err != nil {
		return x, err
	}
	switch intno {
	case excpUDEF:
		x.Kind = Undefined
		if pc&3 != 0 {
			x.Kind = PCAlign
		}
	case excpSWI:
		x.Kind = SVC
	case excpBKPT:
		x.Kind = BRK
	case excpHVC:
		x.Kind = HVC
	case excpSMC:
		x.Kind = SMC
	case excpData:
		x.Kind = DataAbort
	case excpPrefetch:
		// A fetch from an address beyond the physical address range
		// (address size fault).
		x.Kind = InstAbort
		x.Addr, x.AddrKnown = pc, true
		if pc&3 != 0 {
			x = Exception{Kind: PCAlign, Detail: x.Detail + " at an unaligned PC"} // "pc-alignment-priority"
		}
		if pc != start { // "fetch-fault-early"
			x.Addr = pc
			u.pendingFetch = &x
			return Exception{}, nil
		}
	default:
		x.Kind = Other
	}
	return x, nil
}

func (u *Unicorn) Close() error { return u.e.Close() }
