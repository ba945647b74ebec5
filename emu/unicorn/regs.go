//go:build unicorn

package unicorn

/*
#include <unicorn/unicorn.h>
*/
import "C"

import (
	"encoding/binary"
	"fmt"
	"unsafe"
)

// Reg identifies an arm64 register (uc_arm64_reg).
//
// Scalar registers are read and written as uint64 with RegRead/RegWrite;
// 32-bit registers (NZCV, PSTATE, FPCR, FPSR, CPACR_EL1) use the low half.
// The 128-bit FP/SIMD registers V0..V31 go through VRegRead/VRegWrite (or
// RegRead128/RegWrite128). Other system registers are reachable by encoding
// with SysRegRead/SysRegWrite.
type Reg int

// General purpose registers. X0..X28 are contiguous in Unicorn's numbering,
// X29 and X30 are not: use XReg(n) to index.
const (
	X0  Reg = C.UC_ARM64_REG_X0
	X1  Reg = C.UC_ARM64_REG_X1
	X2  Reg = C.UC_ARM64_REG_X2
	X3  Reg = C.UC_ARM64_REG_X3
	X4  Reg = C.UC_ARM64_REG_X4
	X5  Reg = C.UC_ARM64_REG_X5
	X6  Reg = C.UC_ARM64_REG_X6
	X7  Reg = C.UC_ARM64_REG_X7
	X8  Reg = C.UC_ARM64_REG_X8
	X9  Reg = C.UC_ARM64_REG_X9
	X10 Reg = C.UC_ARM64_REG_X10
	X11 Reg = C.UC_ARM64_REG_X11
	X12 Reg = C.UC_ARM64_REG_X12
	X13 Reg = C.UC_ARM64_REG_X13
	X14 Reg = C.UC_ARM64_REG_X14
	X15 Reg = C.UC_ARM64_REG_X15
	X16 Reg = C.UC_ARM64_REG_X16
	X17 Reg = C.UC_ARM64_REG_X17
	X18 Reg = C.UC_ARM64_REG_X18
	X19 Reg = C.UC_ARM64_REG_X19
	X20 Reg = C.UC_ARM64_REG_X20
	X21 Reg = C.UC_ARM64_REG_X21
	X22 Reg = C.UC_ARM64_REG_X22
	X23 Reg = C.UC_ARM64_REG_X23
	X24 Reg = C.UC_ARM64_REG_X24
	X25 Reg = C.UC_ARM64_REG_X25
	X26 Reg = C.UC_ARM64_REG_X26
	X27 Reg = C.UC_ARM64_REG_X27
	X28 Reg = C.UC_ARM64_REG_X28
	X29 Reg = C.UC_ARM64_REG_X29 // frame pointer
	X30 Reg = C.UC_ARM64_REG_X30 // link register

	FP  Reg = X29
	LR  Reg = X30
	XZR Reg = C.UC_ARM64_REG_XZR
	SP  Reg = C.UC_ARM64_REG_SP // the SP of the current EL (SP_ELx or SP_EL0 per PSTATE.SP)
	PC  Reg = C.UC_ARM64_REG_PC
)

// Flags and process state.
const (
	// NZCV holds the flags in bits 31:28, like the NZCV system register.
	NZCV Reg = C.UC_ARM64_REG_NZCV
	// PSTATE is QEMU's pstate_read()/pstate_write() view, laid out like an
	// AArch64 SPSR: NZCV in 31:28, IL in 20, DAIF in 9:6, M[3:0] (EL<<2 |
	// SPSel) in 3:0. Writing it changes the value read back but NOT the EL
	// or SP selection Unicorn executes with; use SwitchPSTATE for that.
	PSTATE Reg = C.UC_ARM64_REG_PSTATE
)

// FP/SIMD registers, 128 bits wide.
const (
	V0  Reg = C.UC_ARM64_REG_V0
	V1  Reg = C.UC_ARM64_REG_V1
	V2  Reg = C.UC_ARM64_REG_V2
	V3  Reg = C.UC_ARM64_REG_V3
	V4  Reg = C.UC_ARM64_REG_V4
	V5  Reg = C.UC_ARM64_REG_V5
	V6  Reg = C.UC_ARM64_REG_V6
	V7  Reg = C.UC_ARM64_REG_V7
	V8  Reg = C.UC_ARM64_REG_V8
	V9  Reg = C.UC_ARM64_REG_V9
	V10 Reg = C.UC_ARM64_REG_V10
	V11 Reg = C.UC_ARM64_REG_V11
	V12 Reg = C.UC_ARM64_REG_V12
	V13 Reg = C.UC_ARM64_REG_V13
	V14 Reg = C.UC_ARM64_REG_V14
	V15 Reg = C.UC_ARM64_REG_V15
	V16 Reg = C.UC_ARM64_REG_V16
	V17 Reg = C.UC_ARM64_REG_V17
	V18 Reg = C.UC_ARM64_REG_V18
	V19 Reg = C.UC_ARM64_REG_V19
	V20 Reg = C.UC_ARM64_REG_V20
	V21 Reg = C.UC_ARM64_REG_V21
	V22 Reg = C.UC_ARM64_REG_V22
	V23 Reg = C.UC_ARM64_REG_V23
	V24 Reg = C.UC_ARM64_REG_V24
	V25 Reg = C.UC_ARM64_REG_V25
	V26 Reg = C.UC_ARM64_REG_V26
	V27 Reg = C.UC_ARM64_REG_V27
	V28 Reg = C.UC_ARM64_REG_V28
	V29 Reg = C.UC_ARM64_REG_V29
	V30 Reg = C.UC_ARM64_REG_V30
	V31 Reg = C.UC_ARM64_REG_V31

	FPCR Reg = C.UC_ARM64_REG_FPCR
	FPSR Reg = C.UC_ARM64_REG_FPSR
)

// System registers with a dedicated Unicorn 2.0.1 register id. Unicorn marks
// most of these deprecated in favour of the CP_REG interface (SysRegRead).
//
// SP_EL0..SP_EL3 are QEMU's banked copies: the one of the stack pointer in
// use (SP_EL1 at Unicorn's reset EL1h) is stale until the next EL or SPSel
// change; read and write the live stack pointer through SP.
const (
	CPACR_EL1   Reg = C.UC_ARM64_REG_CPACR_EL1
	TPIDR_EL0   Reg = C.UC_ARM64_REG_TPIDR_EL0
	TPIDRRO_EL0 Reg = C.UC_ARM64_REG_TPIDRRO_EL0
	TPIDR_EL1   Reg = C.UC_ARM64_REG_TPIDR_EL1
	ELR_EL0     Reg = C.UC_ARM64_REG_ELR_EL0
	ELR_EL1     Reg = C.UC_ARM64_REG_ELR_EL1
	ELR_EL2     Reg = C.UC_ARM64_REG_ELR_EL2
	ELR_EL3     Reg = C.UC_ARM64_REG_ELR_EL3
	SP_EL0      Reg = C.UC_ARM64_REG_SP_EL0
	SP_EL1      Reg = C.UC_ARM64_REG_SP_EL1
	SP_EL2      Reg = C.UC_ARM64_REG_SP_EL2
	SP_EL3      Reg = C.UC_ARM64_REG_SP_EL3
	TTBR0_EL1   Reg = C.UC_ARM64_REG_TTBR0_EL1
	TTBR1_EL1   Reg = C.UC_ARM64_REG_TTBR1_EL1
	ESR_EL0     Reg = C.UC_ARM64_REG_ESR_EL0
	ESR_EL1     Reg = C.UC_ARM64_REG_ESR_EL1
	ESR_EL2     Reg = C.UC_ARM64_REG_ESR_EL2
	ESR_EL3     Reg = C.UC_ARM64_REG_ESR_EL3
	FAR_EL0     Reg = C.UC_ARM64_REG_FAR_EL0
	FAR_EL1     Reg = C.UC_ARM64_REG_FAR_EL1
	FAR_EL2     Reg = C.UC_ARM64_REG_FAR_EL2
	FAR_EL3     Reg = C.UC_ARM64_REG_FAR_EL3
	PAR_EL1     Reg = C.UC_ARM64_REG_PAR_EL1
	MAIR_EL1    Reg = C.UC_ARM64_REG_MAIR_EL1
	VBAR_EL0    Reg = C.UC_ARM64_REG_VBAR_EL0
	VBAR_EL1    Reg = C.UC_ARM64_REG_VBAR_EL1
	VBAR_EL2    Reg = C.UC_ARM64_REG_VBAR_EL2
	VBAR_EL3    Reg = C.UC_ARM64_REG_VBAR_EL3
)

// XReg returns the register for Xn, n in 0..30; n == 31 yields XZR.
func XReg(n int) Reg {
	switch {
	case n >= 0 && n <= 28:
		return X0 + Reg(n)
	case n == 29:
		return X29
	case n == 30:
		return X30
	case n == 31:
		return XZR
	}
	panic(fmt.Sprintf("unicorn: XReg(%d) out of range", n))
}

// VReg returns the register for Vn, n in 0..31.
func VReg(n int) Reg {
	if n < 0 || n > 31 {
		panic(fmt.Sprintf("unicorn: VReg(%d) out of range", n))
	}
	return V0 + Reg(n)
}

func (r Reg) isV() bool { return r >= V0 && r <= V31 }

// RegRead reads a scalar register.
func (e *Engine) RegRead(r Reg) (uint64, error) {
	if err := e.check("RegRead"); err != nil {
		return 0, err
	}
	if r.isV() {
		return 0, argErr("RegRead", "128-bit register: use VRegRead or RegRead128")
	}
	var v C.uint64_t // 32-bit registers fill only the low half (little-endian host)
	if err := ucErr("uc_reg_read", C.uc_reg_read(e.uc, C.int(r), unsafe.Pointer(&v))); err != nil {
		return 0, err
	}
	return uint64(v), nil
}

// RegWrite writes a scalar register. Writing PC from a hook redirects
// execution (Unicorn restarts at the new PC).
func (e *Engine) RegWrite(r Reg, val uint64) error {
	if err := e.check("RegWrite"); err != nil {
		return err
	}
	if r.isV() {
		return argErr("RegWrite", "128-bit register: use VRegWrite or RegWrite128")
	}
	v := C.uint64_t(val)
	return ucErr("uc_reg_write", C.uc_reg_write(e.uc, C.int(r), unsafe.Pointer(&v)))
}

// RegRead128 reads V0..V31 as two 64-bit halves: [0] is bits 63:0,
// [1] is bits 127:64.
func (e *Engine) RegRead128(r Reg) ([2]uint64, error) {
	if err := e.check("RegRead128"); err != nil {
		return [2]uint64{}, err
	}
	if !r.isV() {
		return [2]uint64{}, argErr("RegRead128", "not a V register")
	}
	var v [2]C.uint64_t
	if err := ucErr("uc_reg_read", C.uc_reg_read(e.uc, C.int(r), unsafe.Pointer(&v[0]))); err != nil {
		return [2]uint64{}, err
	}
	return [2]uint64{uint64(v[0]), uint64(v[1])}, nil
}

// RegWrite128 writes V0..V31 from two 64-bit halves ([0] = bits 63:0).
func (e *Engine) RegWrite128(r Reg, val [2]uint64) error {
	if err := e.check("RegWrite128"); err != nil {
		return err
	}
	if !r.isV() {
		return argErr("RegWrite128", "not a V register")
	}
	v := [2]C.uint64_t{C.uint64_t(val[0]), C.uint64_t(val[1])}
	return ucErr("uc_reg_write", C.uc_reg_write(e.uc, C.int(r), unsafe.Pointer(&v[0])))
}

// VRegRead reads Vn as 16 bytes in memory order (byte 0 is bits 7:0, as a
// STR Qn would store it).
func (e *Engine) VRegRead(n int) ([16]byte, error) {
	var b [16]byte
	if n < 0 || n > 31 {
		return b, argErr("VRegRead", fmt.Sprintf("V%d out of range", n))
	}
	v, err := e.RegRead128(VReg(n))
	if err != nil {
		return b, err
	}
	binary.LittleEndian.PutUint64(b[0:], v[0])
	binary.LittleEndian.PutUint64(b[8:], v[1])
	return b, nil
}

// VRegWrite writes Vn from 16 bytes in memory order.
func (e *Engine) VRegWrite(n int, b [16]byte) error {
	if n < 0 || n > 31 {
		return argErr("VRegWrite", fmt.Sprintf("V%d out of range", n))
	}
	return e.RegWrite128(VReg(n), [2]uint64{
		binary.LittleEndian.Uint64(b[0:]),
		binary.LittleEndian.Uint64(b[8:]),
	})
}

// SysReg is a system register encoding, packed like the 16-bit o0:op1:CRn:
// CRm:op2 field of MRS/MSR but with the full op0: op0<<14 | op1<<11 |
// CRn<<7 | CRm<<3 | op2.
type SysReg uint16

// MakeSysReg packs an encoding.
func MakeSysReg(op0, op1, crn, crm, op2 int) SysReg {
	return SysReg((op0&3)<<14 | (op1&7)<<11 | (crn&15)<<7 | (crm&15)<<3 | op2&7)
}

// Fields unpacks the encoding.
func (s SysReg) Fields() (op0, op1, crn, crm, op2 int) {
	return int(s>>14) & 3, int(s>>11) & 7, int(s>>7) & 15, int(s>>3) & 15, int(s) & 7
}

func (s SysReg) String() string {
	op0, op1, crn, crm, op2 := s.Fields()
	return fmt.Sprintf("S%d_%d_C%d_C%d_%d", op0, op1, crn, crm, op2)
}

const (
	sysOp0 = 14
	sysOp1 = 11
	sysCRn = 7
	sysCRm = 3
)

// Frequently used system register encodings for SysRegRead/ReadSysReg.
const (
	SysMIDR_EL1         SysReg = 3<<sysOp0 | 0<<sysOp1 | 0<<sysCRn | 0<<sysCRm | 0
	SysID_AA64PFR0_EL1  SysReg = 3<<sysOp0 | 0<<sysOp1 | 0<<sysCRn | 4<<sysCRm | 0
	SysID_AA64ISAR0_EL1 SysReg = 3<<sysOp0 | 0<<sysOp1 | 0<<sysCRn | 6<<sysCRm | 0
	SysID_AA64ISAR1_EL1 SysReg = 3<<sysOp0 | 0<<sysOp1 | 0<<sysCRn | 6<<sysCRm | 1
	SysSCTLR_EL1        SysReg = 3<<sysOp0 | 0<<sysOp1 | 1<<sysCRn | 0<<sysCRm | 0
	SysCPACR_EL1        SysReg = 3<<sysOp0 | 0<<sysOp1 | 1<<sysCRn | 0<<sysCRm | 2
	SysAPIAKEYLO_EL1    SysReg = 3<<sysOp0 | 0<<sysOp1 | 2<<sysCRn | 1<<sysCRm | 0
	SysAPIAKEYHI_EL1    SysReg = 3<<sysOp0 | 0<<sysOp1 | 2<<sysCRn | 1<<sysCRm | 1
	SysHCR_EL2          SysReg = 3<<sysOp0 | 4<<sysOp1 | 1<<sysCRn | 1<<sysCRm | 0
	SysSCR_EL3          SysReg = 3<<sysOp0 | 6<<sysOp1 | 1<<sysCRn | 1<<sysCRm | 0
	SysSPSR_EL1         SysReg = 3<<sysOp0 | 0<<sysOp1 | 4<<sysCRn | 0<<sysCRm | 0
	SysELR_EL1          SysReg = 3<<sysOp0 | 0<<sysOp1 | 4<<sysCRn | 0<<sysCRm | 1
	SysSP_EL0           SysReg = 3<<sysOp0 | 0<<sysOp1 | 4<<sysCRn | 1<<sysCRm | 0
	SysESR_EL1          SysReg = 3<<sysOp0 | 0<<sysOp1 | 5<<sysCRn | 2<<sysCRm | 0
	SysFAR_EL1          SysReg = 3<<sysOp0 | 0<<sysOp1 | 6<<sysCRn | 0<<sysCRm | 0
	SysVBAR_EL1         SysReg = 3<<sysOp0 | 0<<sysOp1 | 12<<sysCRn | 0<<sysCRm | 0
	SysTPIDR_EL1        SysReg = 3<<sysOp0 | 0<<sysOp1 | 13<<sysCRn | 0<<sysCRm | 4
	SysTPIDR_EL0        SysReg = 3<<sysOp0 | 3<<sysOp1 | 13<<sysCRn | 0<<sysCRm | 2
	SysTPIDRRO_EL0      SysReg = 3<<sysOp0 | 3<<sysOp1 | 13<<sysCRn | 0<<sysCRm | 3
	SysFPCR             SysReg = 3<<sysOp0 | 3<<sysOp1 | 4<<sysCRn | 4<<sysCRm | 0
	SysFPSR             SysReg = 3<<sysOp0 | 3<<sysOp1 | 4<<sysCRn | 4<<sysCRm | 1
)

// ReadSysReg reads a system register through UC_ARM64_REG_CP_REG. The read
// is raw: it has no side effects and ignores access permissions. Unicorn
// returns ErrArg for encodings the CPU model does not implement.
func (e *Engine) ReadSysReg(s SysReg) (uint64, error) {
	if err := e.check("ReadSysReg"); err != nil {
		return 0, err
	}
	cp := cpReg(s)
	if err := ucErr("uc_reg_read(CP_REG "+s.String()+")", C.uc_reg_read(e.uc, C.UC_ARM64_REG_CP_REG, unsafe.Pointer(&cp))); err != nil {
		return 0, err
	}
	return uint64(cp.val), nil
}

// WriteSysReg writes a system register through UC_ARM64_REG_CP_REG, using
// the register's raw write function when it has one.
func (e *Engine) WriteSysReg(s SysReg, val uint64) error {
	if err := e.check("WriteSysReg"); err != nil {
		return err
	}
	cp := cpReg(s)
	cp.val = C.uint64_t(val)
	return ucErr("uc_reg_write(CP_REG "+s.String()+")", C.uc_reg_write(e.uc, C.UC_ARM64_REG_CP_REG, unsafe.Pointer(&cp)))
}

// SysRegRead is ReadSysReg with the encoding given field by field.
func (e *Engine) SysRegRead(op0, op1, crn, crm, op2 int) (uint64, error) {
	return e.ReadSysReg(MakeSysReg(op0, op1, crn, crm, op2))
}

// SysRegWrite is WriteSysReg with the encoding given field by field.
func (e *Engine) SysRegWrite(op0, op1, crn, crm, op2 int, val uint64) error {
	return e.WriteSysReg(MakeSysReg(op0, op1, crn, crm, op2), val)
}

func cpReg(s SysReg) C.uc_arm64_cp_reg {
	op0, op1, crn, crm, op2 := s.Fields()
	return C.uc_arm64_cp_reg{
		crn: C.uint32_t(crn),
		crm: C.uint32_t(crm),
		op0: C.uint32_t(op0),
		op1: C.uint32_t(op1),
		op2: C.uint32_t(op2),
	}
}
