package difftest

import (
	"context"
	"errors"
	"fmt"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/emu"
)

// Interp adapts kpemu's interpreter (package emu) to Engine.
type Interp struct {
	m   *emu.Machine
	c   *emu.CPU
	ctx context.Context
}

// SCTLR_EL1.SA and SA0 (Arm ARM D17.2.118): SP alignment checking. The
// interpreter resets with both set, as Linux runs; QEMU (and so Unicorn)
// does not implement the check at all, so the tester clears them and both
// engines run without it. The interpreter's own tests cover the SP
// alignment fault.
const sctlrSA, sctlrSA0 = 1 << 3, 1 << 4

// System registers of State that the CPU type has no named setter for.
var (
	sysTPIDR   = arm64.MakeSysReg(3, 3, 13, 0, 2)
	sysTPIDRRO = arm64.MakeSysReg(3, 3, 13, 0, 3)
	sysTPIDR1  = arm64.MakeSysReg(3, 0, 13, 0, 4)
)

// NewInterp returns an interpreter with the given features and the
// tester's memory layout mapped.
func NewInterp(f emu.Features) (*Interp, error) {
	m, err := emu.New(&emu.Config{Features: &f})
	if err != nil {
		return nil, err
	}
	e := &Interp{m: m, c: m.CPU(0), ctx: context.Background()}
	if err := setupLayout(e); err != nil {
		return nil, err
	}
	return e, e.Reset()
}

// Machine returns the underlying machine.
func (e *Interp) Machine() *emu.Machine { return e.m }

func (e *Interp) Name() string { return "interpreter" }

func (e *Interp) Map(addr, size uint64, perm Perm) error {
	var p emu.Perm
	if perm&PermR != 0 {
		p |= emu.PermRead
	}
	if perm&PermW != 0 {
		p |= emu.PermWrite
	}
	if perm&PermX != 0 {
		p |= emu.PermExec
	}
	if perm&PermU != 0 {
		p |= emu.PermUser
	}
	return e.m.Map(addr, size, p)
}

func (e *Interp) WriteMem(addr uint64, data []byte) error { return e.m.Memory().Write(addr, data) }
func (e *Interp) ReadMem(addr uint64, buf []byte) error   { return e.m.Memory().Read(addr, buf) }

// FlushCode does nothing: Memory.Write already invalidates the decoded
// instructions of the pages it writes.
func (e *Interp) FlushCode(addr, size uint64) error { return nil }

func (e *Interp) Reset() error {
	c := e.c
	c.SetPSTATE(emu.PSR_EL1h | emu.PSR_DAIF)
	c.SetSCTLR(c.SCTLR() &^ (sctlrSA | sctlrSA0))
	c.SetPC(ClrexStub)
	// If CLREX were not implemented, the Undefined Instruction exception
	// would clear the monitor just as well (exception entry does).
	_, err := e.m.Step(e.ctx, 0, 1)
	var ee *emu.ExceptionError
	if err != nil && !errors.As(err, &ee) {
		return err
	}
	c.SetPSTATE(emu.PSR_EL1h | emu.PSR_DAIF)
	return nil
}

func (e *Interp) SetState(s *State) error {
	c := e.c
	for i, x := range s.X {
		c.SetX(i, x)
	}
	c.SetSP(s.SP)
	c.SetPC(s.PC)
	c.SetNZCV(s.NZCV)
	for i, v := range s.V {
		c.SetV(i, v[0], v[1])
	}
	c.SetFPCR(s.FPCR)
	c.SetFPSR(s.FPSR)
	for _, r := range []struct {
		reg arm64.SysReg
		v   uint64
	}{{sysTPIDR, s.TPIDR}, {sysTPIDRRO, s.TPIDRRO}, {sysTPIDR1, s.TPIDR1}} {
		if !c.SetSysReg(r.reg, r.v) {
			return fmt.Errorf("interpreter: cannot set %s", arm64.SysRegName(r.reg))
		}
	}
	return nil
}

func (e *Interp) GetState(s *State) error {
	c := e.c
	for i := range s.X {
		s.X[i] = c.X(i)
	}
	s.SP = c.SP()
	s.PC = c.PC()
	s.NZCV = c.NZCV()
	for i := range s.V {
		s.V[i][0], s.V[i][1] = c.V(i)
	}
	s.FPCR = c.FPCR()
	s.FPSR = c.FPSR()
	var ok [3]bool
	s.TPIDR, ok[0] = c.SysReg(sysTPIDR)
	s.TPIDRRO, ok[1] = c.SysReg(sysTPIDRRO)
	s.TPIDR1, ok[2] = c.SysReg(sysTPIDR1)
	if ok != [3]bool{true, true, true} {
		return fmt.Errorf("interpreter: cannot read the thread pointers")
	}
	return nil
}

func (e *Interp) Step() (Exception, error) {
	_, err := e.m.Step(e.ctx, 0, 1)
	if err == nil {
		return Exception{}, nil
	}
	var ee *emu.ExceptionError
	if !errors.As(err, &ee) {
		return Exception{}, err
	}
	return interpException(&ee.Exception), nil
}

// interpException translates an exception the interpreter took into the
// tester's terms; the interpreter knows everything (ESR, FAR).
func interpException(x *emu.Exception) Exception {
	e := Exception{ESR: x.ESR(), ESRKnown: true, Detail: x.EC.String()}
	switch x.EC {
	case emu.ECUnknown:
		e.Kind = Undefined
	case emu.ECBRK64:
		e.Kind = BRK
	case emu.ECSVC64:
		e.Kind = SVC
	case emu.ECHVC64:
		e.Kind = HVC
	case emu.ECSMC64:
		e.Kind = SMC
	case emu.ECDataAbortCur, emu.ECDataAbortLow:
		e.Kind = DataAbort
		e.Write, e.WriteKnown = x.ISS&emu.ESR_ELx_WNR != 0, true
		e.Fault = faultOf(x.ISS)
	case emu.ECInstAbortCur, emu.ECInstAbortLow:
		e.Kind = InstAbort
		e.Fault = faultOf(x.ISS)
	case emu.ECPCAlign:
		e.Kind = PCAlign
	case emu.ECSPAlign:
		e.Kind = SPAlign
	default:
		e.Kind = Other
	}
	if x.FARValid {
		e.Addr, e.AddrKnown = x.FAR, true
	}
	return e
}

// faultOf classifies a DFSC/IFSC (ISS bits 5:0; Arm ARM D17.2.37).
func faultOf(iss uint32) FaultKind {
	fsc := iss & 0x3f
	switch {
	case fsc&0x3c == 0x04:
		return FaultTranslation
	case fsc&0x3c == 0x0c:
		return FaultPermission
	case fsc == 0x21:
		return FaultAlignment
	}
	return FaultUnknown
}

func (e *Interp) Close() error { return nil }
