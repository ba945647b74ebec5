package emu

import (
	"sort"

	"github.com/kpemu/kpemu/arm64"
)

// sysRegs holds the system registers a CPU models (EL0 and EL1 only: kpemu
// has no EL2 or EL3).
type sysRegs struct {
	esr, elr, spsr, far, vbar, par      uint64
	sctlr, cpacr, mdscr, cntkctl        uint64
	ttbr0, ttbr1, tcr, mair, amair      uint64
	contextidr, afsr0, afsr1            uint64
	tpidr0, tpidrro0, tpidr1            uint64
	cntvCtl, cntvCval, cntpCtl, cntpCvl uint64
	osdlr, oslsr                        uint64
}

// sctlrReset is SCTLR_EL1 as Linux runs with it, less the MMU details kpemu
// does not model: M, C, I (on), SA and SA0 (stack alignment checks), nTWI,
// nTWE, UCT, UCI, DZE (EL0 cache maintenance, CTR_EL0, DC ZVA allowed),
// SPAN (PAN left alone on exception entry), EOS/EIS and the v8.0 RES1 bits.
const sctlrReset = 0x34d5d81d

// SCTLR_EL1 bits the model acts on.
const (
	sctlrA   = 1 << 1  // alignment check for all accesses
	sctlrSA  = 1 << 3  // SP alignment check at EL1
	sctlrSA0 = 1 << 4  // SP alignment check at EL0
	sctlrUMA = 1 << 9  // EL0 access to DAIF
	sctlrDZE = 1 << 14 // EL0 DC ZVA
	sctlrUCT = 1 << 15 // EL0 access to CTR_EL0
	sctlrUCI = 1 << 26 // EL0 cache maintenance
)

// A sysRegDef describes one system register reachable through MRS/MSR
// (arm64.SysRegName names it): whether EL0 may read or write it, and
// how it is read and written. A nil read or write means the access is
// UNDEFINED (write-only or read-only registers).
type sysRegDef struct {
	el0       bool // accessible at EL0 (subject to the register's own controls)
	read      func(c *CPU) (uint64, bool)
	write     func(c *CPU, v uint64) bool
	readOnly  bool
	writeOnly bool
}

func plain(get func(c *CPU) *uint64) (func(c *CPU) (uint64, bool), func(c *CPU, v uint64) bool) {
	return func(c *CPU) (uint64, bool) { return *get(c), true },
		func(c *CPU, v uint64) bool { *get(c) = v; return true }
}

func ro(f func(c *CPU) uint64) func(c *CPU) (uint64, bool) {
	return func(c *CPU) (uint64, bool) { return f(c), true }
}

func reg(el0 bool, get func(c *CPU) *uint64) sysRegDef {
	r, w := plain(get)
	return sysRegDef{el0: el0, read: r, write: w}
}

func roReg(el0 bool, f func(c *CPU) uint64) sysRegDef {
	return sysRegDef{el0: el0, read: ro(f)}
}

// sysRegTable is the documented set of system registers: anything else is
// UNDEFINED at MRS/MSR, as on a CPU that does not implement it.
var sysRegTable = map[arm64.SysReg]sysRegDef{
	// Special-purpose registers (op0=3, CRn=4).
	arm64.MakeSysReg(3, 3, 4, 2, 0): {el0: true,
		read:  func(c *CPU) (uint64, bool) { return c.nzcv, true },
		write: func(c *CPU, v uint64) bool { c.SetNZCV(v); return true }},
	arm64.MakeSysReg(3, 3, 4, 2, 1): {el0: true,
		read: func(c *CPU) (uint64, bool) {
			return c.daif, c.el == 1 || c.sys.sctlr&sctlrUMA != 0
		},
		write: func(c *CPU, v uint64) bool {
			if c.el == 0 && c.sys.sctlr&sctlrUMA == 0 {
				return false
			}
			c.SetDAIF(v)
			return true
		}},
	arm64.MakeSysReg(3, 0, 4, 2, 2): roReg(false, func(c *CPU) uint64 { return uint64(c.el) << 2 }),
	arm64.MakeSysReg(3, 0, 4, 2, 0): {read: func(c *CPU) (uint64, bool) { return uint64(c.spsel), true },
		write: func(c *CPU, v uint64) bool { c.SetSPSel(int(v & 1)); return true }},
	arm64.MakeSysReg(3, 0, 4, 1, 0): { // Reading SP_EL0 while it is the current SP is UNDEFINED; at EL1
		// with SPSel=1 it is the banked copy.
		read:  func(c *CPU) (uint64, bool) { return c.spEL0, c.spsel == 1 },
		write: func(c *CPU, v uint64) bool { c.spEL0 = v; return c.spsel == 1 }},
	arm64.MakeSysReg(3, 0, 4, 2, 3): {read: func(c *CPU) (uint64, bool) {
		if c.pan {
			return PSR_PAN, true
		}
		return 0, true
	},
		write: func(c *CPU, v uint64) bool { c.pan = v&PSR_PAN != 0; return true }},
	arm64.MakeSysReg(3, 0, 4, 2, 4): {read: func(c *CPU) (uint64, bool) {
		if c.uao {
			return PSR_UAO, true
		}
		return 0, true
	},
		write: func(c *CPU, v uint64) bool { c.uao = v&PSR_UAO != 0; return true }},
	arm64.MakeSysReg(3, 3, 4, 4, 0): {el0: true,
		read:  func(c *CPU) (uint64, bool) { return c.fpcr, true },
		write: func(c *CPU, v uint64) bool { c.SetFPCR(v); return true }},
	arm64.MakeSysReg(3, 3, 4, 4, 1): {el0: true,
		read:  func(c *CPU) (uint64, bool) { return c.fpsr, true },
		write: func(c *CPU, v uint64) bool { c.SetFPSR(v); return true }},

	// Exception handling.
	arm64.MakeSysReg(3, 0, 4, 0, 0):  reg(false, func(c *CPU) *uint64 { return &c.sys.spsr }),
	arm64.MakeSysReg(3, 0, 4, 0, 1):  reg(false, func(c *CPU) *uint64 { return &c.sys.elr }),
	arm64.MakeSysReg(3, 0, 5, 2, 0):  reg(false, func(c *CPU) *uint64 { return &c.sys.esr }),
	arm64.MakeSysReg(3, 0, 6, 0, 0):  reg(false, func(c *CPU) *uint64 { return &c.sys.far }),
	arm64.MakeSysReg(3, 0, 12, 0, 0): reg(false, func(c *CPU) *uint64 { return &c.sys.vbar }),
	arm64.MakeSysReg(3, 0, 5, 1, 0):  reg(false, func(c *CPU) *uint64 { return &c.sys.afsr0 }),
	arm64.MakeSysReg(3, 0, 5, 1, 1):  reg(false, func(c *CPU) *uint64 { return &c.sys.afsr1 }),
	arm64.MakeSysReg(3, 0, 7, 4, 0):  reg(false, func(c *CPU) *uint64 { return &c.sys.par }),

	// System control and memory model (stored; the MMU is not modelled).
	arm64.MakeSysReg(3, 0, 1, 0, 0): {read: func(c *CPU) (uint64, bool) { return c.sys.sctlr, true },
		write: func(c *CPU, v uint64) bool { c.sys.sctlr = v; return true }},
	arm64.MakeSysReg(3, 0, 1, 0, 2):  reg(false, func(c *CPU) *uint64 { return &c.sys.cpacr }),
	arm64.MakeSysReg(3, 0, 2, 0, 0):  reg(false, func(c *CPU) *uint64 { return &c.sys.ttbr0 }),
	arm64.MakeSysReg(3, 0, 2, 0, 1):  reg(false, func(c *CPU) *uint64 { return &c.sys.ttbr1 }),
	arm64.MakeSysReg(3, 0, 2, 0, 2):  reg(false, func(c *CPU) *uint64 { return &c.sys.tcr }),
	arm64.MakeSysReg(3, 0, 10, 2, 0): reg(false, func(c *CPU) *uint64 { return &c.sys.mair }),
	arm64.MakeSysReg(3, 0, 10, 3, 0): reg(false, func(c *CPU) *uint64 { return &c.sys.amair }),
	arm64.MakeSysReg(3, 0, 13, 0, 1): reg(false, func(c *CPU) *uint64 { return &c.sys.contextidr }),

	// Thread pointers.
	arm64.MakeSysReg(3, 3, 13, 0, 2): reg(true, func(c *CPU) *uint64 { return &c.sys.tpidr0 }),
	arm64.MakeSysReg(3, 3, 13, 0, 3): {el0: true,
		read: func(c *CPU) (uint64, bool) { return c.sys.tpidrro0, true },
		write: func(c *CPU, v uint64) bool {
			c.sys.tpidrro0 = v
			return c.el == 1 // read-only at EL0
		}},
	arm64.MakeSysReg(3, 0, 13, 0, 4): reg(false, func(c *CPU) *uint64 { return &c.sys.tpidr1 }),

	// Debug.
	arm64.MakeSysReg(2, 0, 0, 2, 2): {read: func(c *CPU) (uint64, bool) { return c.sys.mdscr, true },
		write: func(c *CPU, v uint64) bool { c.sys.mdscr = v; c.updateStep(); return true }},
	arm64.MakeSysReg(2, 0, 1, 0, 4): {writeOnly: true,
		write: func(c *CPU, v uint64) bool { c.sys.oslsr = (c.sys.oslsr &^ 2) | (v&1)<<1; return true }},
	arm64.MakeSysReg(2, 0, 1, 1, 4): roReg(false, func(c *CPU) uint64 { return c.sys.oslsr | 0b1000 }),
	arm64.MakeSysReg(2, 0, 1, 3, 4): reg(false, func(c *CPU) *uint64 { return &c.sys.osdlr }),

	// Identification.
	arm64.MakeSysReg(3, 0, 0, 0, 0): roReg(false, func(c *CPU) uint64 { return c.m.cfg.MIDR }),
	arm64.MakeSysReg(3, 0, 0, 0, 5): roReg(false, func(c *CPU) uint64 {
		// Bit 31 is RES1; Aff0 tells the CPUs apart.
		return 1<<31 | uint64(c.id)
	}),
	arm64.MakeSysReg(3, 0, 0, 0, 6): roReg(false, func(c *CPU) uint64 { return 0 }),
	arm64.MakeSysReg(3, 0, 0, 4, 0): roReg(false, func(c *CPU) uint64 {
		// EL0 and EL1 in AArch64 only (1), no EL2/EL3, FP and AdvSIMD
		// implemented (0).
		return 0x11
	}),
	arm64.MakeSysReg(3, 0, 0, 4, 1): roReg(false, func(c *CPU) uint64 {
		// SSBS (bits 7:4) 2: FEAT_SSBS2, MSR/MRS SSBS are implemented.
		v := uint64(2) << 4
		if c.m.features.BTI {
			v |= 1
		}
		return v
	}),
	arm64.MakeSysReg(3, 0, 0, 6, 0): roReg(false, func(c *CPU) uint64 {
		var v uint64
		f := c.m.features
		if f.CRC32 {
			v |= 1 << 16
		}
		if f.LSE {
			v |= 2 << 20
		}
		return v
	}),
	arm64.MakeSysReg(3, 0, 0, 6, 1): roReg(false, func(c *CPU) uint64 {
		var v uint64
		f := c.m.features
		v |= 1 // DPB: DC CVAP is implemented
		if f.LRCPC {
			v |= 1 << 20
		}
		if f.SB {
			v |= 1 << 36
		}
		return v
	}),
	arm64.MakeSysReg(3, 0, 0, 7, 0): roReg(false, func(c *CPU) uint64 {
		// 48-bit physical addresses, 4K granule supported, 16K and 64K not.
		return 0x5 | 0xf<<20 | 0xf<<24
	}),
	// ID registers that report no features of their kind read as zero, as
	// the architecture defines for an implementation without them (Linux
	// reads them all at boot).
	arm64.MakeSysReg(3, 0, 0, 5, 0): roReg(false, func(c *CPU) uint64 { return 0x6 }), // ID_AA64DFR0_EL1: Armv8.0 debug
	arm64.MakeSysReg(3, 0, 0, 5, 1): roReg(false, func(c *CPU) uint64 { return 0 }),   // ID_AA64DFR1_EL1
	arm64.MakeSysReg(3, 0, 0, 6, 2): roReg(false, func(c *CPU) uint64 { return 0 }),   // ID_AA64ISAR2_EL1
	arm64.MakeSysReg(3, 0, 0, 7, 1): roReg(false, func(c *CPU) uint64 { return 0 }),   // ID_AA64MMFR1_EL1
	arm64.MakeSysReg(3, 0, 0, 7, 2): roReg(false, func(c *CPU) uint64 { return 0 }),   // ID_AA64MMFR2_EL1
	arm64.MakeSysReg(3, 0, 0, 4, 4): roReg(false, func(c *CPU) uint64 { return 0 }),   // ID_AA64ZFR0_EL1: no SVE
	arm64.MakeSysReg(3, 3, 0, 0, 1): {el0: true,
		read: func(c *CPU) (uint64, bool) {
			// 64-byte lines (IminLine = DminLine = 4 words log2), as common
			// arm64 cores report.
			return 1<<31 | 4<<16 | 4, c.el == 1 || c.sys.sctlr&sctlrUCT != 0
		}},
	arm64.MakeSysReg(3, 3, 0, 0, 7): roReg(true, func(c *CPU) uint64 {
		// DC ZVA zeroes 64-byte blocks (BS = log2(16 words)); DZP set when
		// EL0 may not use it.
		if c.el == 0 && c.sys.sctlr&sctlrDZE == 0 {
			return 4 | 1<<4
		}
		return 4
	}),

	// Generic timer: deterministic, driven by retired instructions.
	arm64.MakeSysReg(3, 3, 14, 0, 0): roReg(true, func(c *CPU) uint64 { return c.m.cfg.CounterFreq }),
	arm64.MakeSysReg(3, 3, 14, 0, 1): roReg(false, func(c *CPU) uint64 { return c.counter() }),
	arm64.MakeSysReg(3, 3, 14, 0, 2): roReg(true, func(c *CPU) uint64 { return c.counter() }),
	arm64.MakeSysReg(3, 0, 14, 1, 0): reg(false, func(c *CPU) *uint64 { return &c.sys.cntkctl }),
	arm64.MakeSysReg(3, 3, 14, 3, 1): reg(false, func(c *CPU) *uint64 { return &c.sys.cntvCtl }),
	arm64.MakeSysReg(3, 3, 14, 3, 2): reg(false, func(c *CPU) *uint64 { return &c.sys.cntvCval }),
	arm64.MakeSysReg(3, 3, 14, 2, 1): reg(false, func(c *CPU) *uint64 { return &c.sys.cntpCtl }),
	arm64.MakeSysReg(3, 3, 14, 2, 2): reg(false, func(c *CPU) *uint64 { return &c.sys.cntpCvl }),
}

// counter is CNTVCT_EL0: the instructions this CPU retired, scaled to the
// counter frequency at Config.InsnPerSecond, so that time is a pure
// function of the work done.
func (c *CPU) counter() uint64 {
	cfg := &c.m.cfg
	return c.m.cfg.CounterBase + c.retired*cfg.CounterFreq/cfg.InsnPerSecond
}

// SysRegs lists the system registers the CPU models, by their
// architectural names (arm64.SysRegName), sorted.
func SysRegs() []string {
	var names []string
	for k := range sysRegTable {
		names = append(names, arm64.SysRegName(k))
	}
	sort.Strings(names)
	return names
}

// mrs reads a system register as MRS at the current EL would. ok is false
// when the access is UNDEFINED (unknown register, write-only, or not
// accessible at EL0).
func (c *CPU) mrs(s arm64.SysReg) (v uint64, ok bool) {
	d, found := sysRegTable[s]
	if !found || d.read == nil || (c.el == 0 && !d.el0) {
		return 0, false
	}
	return d.read(c)
}

// msr writes a system register as MSR (register) at the current EL would.
func (c *CPU) msr(s arm64.SysReg, v uint64) bool {
	d, found := sysRegTable[s]
	if !found || d.write == nil || d.readOnly || (c.el == 0 && !d.el0) {
		return false
	}
	return d.write(c, v)
}

// SysReg reads a system register by encoding, with EL1's rights (the
// debugger's view: no exception if it is not readable, ok is false).
func (c *CPU) SysReg(s arm64.SysReg) (uint64, bool) {
	d, found := sysRegTable[s]
	if !found || d.read == nil {
		return 0, false
	}
	el := c.el
	c.el = 1
	v, ok := d.read(c)
	c.el = el
	return v, ok
}

// SetSysReg writes a system register by encoding, with EL1's rights.
func (c *CPU) SetSysReg(s arm64.SysReg, v uint64) bool {
	d, found := sysRegTable[s]
	if !found || d.write == nil {
		return false
	}
	el := c.el
	c.el = 1
	ok := d.write(c, v)
	c.el = el
	return ok
}

// Named accessors for the registers the exception model and its users
// touch most.
func (c *CPU) ESR() uint64       { return c.sys.esr }
func (c *CPU) ELR() uint64       { return c.sys.elr }
func (c *CPU) SPSR() uint64      { return c.sys.spsr }
func (c *CPU) FAR() uint64       { return c.sys.far }
func (c *CPU) VBAR() uint64      { return c.sys.vbar }
func (c *CPU) MDSCR() uint64     { return c.sys.mdscr }
func (c *CPU) SCTLR() uint64     { return c.sys.sctlr }
func (c *CPU) SetESR(v uint64)   { c.sys.esr = v }
func (c *CPU) SetELR(v uint64)   { c.sys.elr = v }
func (c *CPU) SetSPSR(v uint64)  { c.sys.spsr = v }
func (c *CPU) SetFAR(v uint64)   { c.sys.far = v }
func (c *CPU) SetVBAR(v uint64)  { c.sys.vbar = v }
func (c *CPU) SetSCTLR(v uint64) { c.sys.sctlr = v }
func (c *CPU) SetMDSCR(v uint64) { c.sys.mdscr = v; c.updateStep() }

// TPIDR returns TPIDR_EL0 (el 0) or TPIDR_EL1 (el 1).
func (c *CPU) TPIDR(el int) uint64 {
	if el == 0 {
		return c.sys.tpidr0
	}
	return c.sys.tpidr1
}
