package kprobe

import "fmt"

// Kprobe is struct kprobe: where to probe and what to call. Set either
// SymbolName (with an optional Offset) or Addr (plus Offset), not both,
// as register_kprobe requires; registration rewrites Addr to the probed
// address, so reusing a Kprobe needs Addr = 0 again (as the KUnit tests
// reset it).
type Kprobe struct {
	SymbolName string
	Offset     uint64
	Addr       uint64

	// PreHandler runs when the probe is hit, before the probed
	// instruction, with the interrupted registers; it may change them.
	// Non-zero means "I changed regs.PC: resume there, do not step"
	// (reference §5.7).
	PreHandler func(p *Kprobe, regs *PtRegs) int
	// PostHandler runs after the probed instruction was stepped or
	// simulated; flags is always 0.
	PostHandler func(p *Kprobe, regs *PtRegs, flags uint64)

	// Flags: KPROBE_FLAG_DISABLED may be set by the caller before
	// registration; the rest are the kernel's.
	Flags uint32
	// NMissed counts hits whose handlers were not run (reentry, §5.6).
	NMissed uint64

	s          *Subsystem // set while registered
	opcode     uint32     // the original word at Addr
	decision   Decision   // its classification
	slot       uint64     // XOL slot address; 0 for simulated instructions
	xolRestore uint64     // Addr + 4 for the XOL case, else 0

	// Aggregation (§7.2): an aggregator has isAggr and its children,
	// newest first; a child points to its aggregator.
	isAggr   bool
	children []*Kprobe
	aggr     *Kprobe
}

// Kprobe flags (include/linux/kprobes.h).
const (
	KPROBE_FLAG_GONE          = 1
	KPROBE_FLAG_DISABLED      = 2
	KPROBE_FLAG_OPTIMIZED     = 4
	KPROBE_FLAG_FTRACE        = 8
	KPROBE_FLAG_ON_FUNC_ENTRY = 16
)

// Opcode is the original instruction word at the probe address
// (kprobe.opcode), saved at registration.
func (p *Kprobe) Opcode() uint32 { return p.opcode }

// Decision is how the probed instruction was classified.
func (p *Kprobe) Decision() Decision { return p.decision }

// Slot is the address of the probe's XOL slot (ainsn.xol_insn), 0 when the
// instruction is simulated or the probe is not registered.
func (p *Kprobe) Slot() uint64 { return p.slot }

// Registered reports whether p is registered.
func (p *Kprobe) Registered() bool { return p.s != nil }

// Disabled is kprobe_disabled: DISABLED or GONE.
func (p *Kprobe) Disabled() bool { return p.Flags&(KPROBE_FLAG_DISABLED|KPROBE_FLAG_GONE) != 0 }

// Gone is kprobe_gone.
func (p *Kprobe) Gone() bool { return p.Flags&KPROBE_FLAG_GONE != 0 }

// String describes the probe in dump_kprobe's words (v5.15+), with the
// address in hex; Subsystem.dumpKprobe prints exactly what the profile's
// kernel prints.
func (p *Kprobe) String() string {
	return fmt.Sprintf(".symbol_name = %s, .offset = %x, .addr = %#x", nullString(p.SymbolName), p.Offset, p.Addr)
}

// dumpKprobe is dump_kprobe (kernel/kprobes.c), printed when the kernel
// dies over a probe: "Dump kprobe:\n.symbol_name = %s, .offset = %x,
// .addr = %pS" since v5.15 ("kprobes: treewide: Cleanup the error
// messages for kprobes"), "Dumping kprobe:\nName: %s\nOffset: %x\n
// Address: %pS" before.
func (s *Subsystem) dumpKprobe(p *Kprobe) string {
	if s.ver.CleanupErrorMessages {
		return fmt.Sprintf("Dump kprobe:\n.symbol_name = %s, .offset = %x, .addr = %s",
			nullString(p.SymbolName), p.Offset, s.symbolize(p.Addr))
	}
	return fmt.Sprintf("Dumping kprobe:\nName: %s\nOffset: %x\nAddress: %s",
		nullString(p.SymbolName), p.Offset, s.symbolize(p.Addr))
}

// nullString is how printk's %s shows a NULL string.
func nullString(s string) string {
	if s == "" {
		return "(null)"
	}
	return s
}
