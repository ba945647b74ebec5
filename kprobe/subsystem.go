package kprobe

import (
	"fmt"

	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/symbols"
)

// Options configure New; nil means the defaults.
type Options struct {
	// Version is the kernel profile; the zero value means Default.
	Version *Version
	// Symbols is the kallsyms model used to resolve SymbolName, to find
	// the symbol around an address (register_kprobe's
	// kallsyms_lookup_size_offset check, the exclusive-sequence scan) and
	// to name the XOL slot pages. nil means the machine's symbolizer when
	// it is a *symbols.Table (the loader makes the loaded image's table the
	// machine's symbolizer), else an empty table: every registration then
	// fails with ENOENT, as no address is kernel text.
	Symbols *symbols.Table
	// Blacklist names functions that cannot be probed, as NOKPROBE_SYMBOL
	// does (kernel/kprobes.c: kprobe_add_ksym_blacklist): an address inside
	// one of them, or inside a "name.suffix" copy of one, is refused with
	// EINVAL.
	Blacklist []string

	// The blacklist and reserved sites (blacklist.go). New reads them
	// from the image when its symbol table has the bracketing symbols
	// (__start_kprobe_blacklist, __kprobes_text_start, __entry_text_start,
	// __start___ex_table, __start___bug_table, __start___jump_table,
	// __start_mcount_loc, ...); the fields below declare the same facts
	// for a hand-written kernel, in addition.

	// BlacklistAreas are text areas all of whose symbols are blacklisted,
	// one entry per kallsyms symbol (kprobe_add_area_blacklist), after the
	// image's areas.
	BlacklistAreas []TextArea
	// FtraceSites are ftrace call sites (rec->ip: the patched NOP, after
	// ftrace_call_adjust), refused by check_ftrace_location.
	FtraceSites []uint64
	// JumpLabelSites are static-branch instructions (jump_entry code),
	// refused by jump_label_text_reserved.
	JumpLabelSites []uint64
	// BugSites are BUG()/WARN() BRK instructions (bug_entry addresses),
	// refused by find_bug.
	BugSites []uint64
	// ExtableSites are instructions with an exception fixup
	// (exception_table_entry insn), refused by arch_prepare_kprobe.
	ExtableSites []uint64
	// FtraceCallOps and BTIKernel are the build's
	// CONFIG_DYNAMIC_FTRACE_WITH_CALL_OPS and CONFIG_ARM64_BTI_KERNEL,
	// which decide where ftrace_call_adjust puts the call site of an
	// __mcount_loc record (v6.3+ kernels; see ftraceCallAdjust).
	FtraceCallOps, BTIKernel bool
	// NoBugVerbose is a build without CONFIG_DEBUG_BUGVERBOSE: the
	// __bug_table entries are 8 bytes instead of 12.
	NoBugVerbose bool
	// NoImageBlacklist ignores the image's tables: only what Options
	// declares is blacklisted.
	NoImageBlacklist bool

	// InsnPageBase is where the XOL slot pages go (the kernel takes them
	// from the module/execmem area); 0 means DefaultInsnPageBase. Pages are
	// mapped r-x at EL1 as needed, skipping addresses already mapped.
	InsnPageBase uint64
}

// DefaultInsnPageBase is the default address of the first XOL slot page.
const DefaultInsnPageBase = 0xffff_8000_f000_0000

// Subsystem is the kprobe subsystem of one machine (init_kprobes plus
// arm64's arch_init_kprobes): the probe table, the slot cache, the BRK
// hooks and the per-CPU kprobe state.
type Subsystem struct {
	m         *emu.Machine
	ver       Version
	syms      *symbols.Table
	blacklist map[string]bool
	bl        blacklistState // the boot-time blacklist and sites (blacklist.go)

	probes map[uint64]*Kprobe // kprobe_table: address -> probe
	kcb    []kprobeCtlblk     // per CPU
	slots  slotCache

	hooks       []*BreakHook
	handler     emu.Hook
	stepHandler emu.Hook // before v5.10 only (singlestep.go)
	faultHook   emu.Hook
	closed      bool

	// The file-scope state of kernel/kprobes.c (global.go) and the
	// kretprobe side, set up on first use (trampoline.go).
	glob  globalState
	kretp *kretprobeState

	// pt_regs frames of the BRK handler (brkhook.go), reused.
	regsFrames []*PtRegs
	regsCPU    []int // the CPU each frame was taken on (SmpProcessorID)
	regsDepth  int

	// rcuPending are unregistered probes whose slot a CPU is still
	// stepping: freed when the step ends (rcu.go).
	rcuPending []*Kprobe

	// phase is the phase-stream listener (phase.go), nil when nobody
	// listens.
	phase func(PhaseEvent)
}

// New sets up the kprobe subsystem on m, as init_kprobes does at boot:
// it builds the kprobe blacklist and the reserved-site tables
// (blacklist.go) and installs the EL1 BRK exception handler, which
// dispatches by BRK immediate to the break hooks (kprobes registers #4
// and #6 here).
func New(m *emu.Machine, opts *Options) (*Subsystem, error) {
	if m == nil {
		return nil, fmt.Errorf("kprobe: New: nil machine")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Symbols == nil {
		o.Symbols, _ = m.Symbolizer().(*symbols.Table)
	}
	s := &Subsystem{
		m:         m,
		ver:       Default,
		syms:      o.Symbols,
		blacklist: map[string]bool{},
		probes:    map[uint64]*Kprobe{},
		kcb:       make([]kprobeCtlblk, m.CPUs()),
	}
	if o.Version != nil {
		s.ver = *o.Version
	}
	if s.syms == nil {
		s.syms = &symbols.Table{}
	}
	for _, n := range o.Blacklist {
		s.blacklist[n] = true
	}
	base := o.InsnPageBase
	if base == 0 {
		base = DefaultInsnPageBase
	}
	if base&(emu.PageSize-1) != 0 || !emu.Canonical(base) {
		return nil, fmt.Errorf("kprobe: New: InsnPageBase %#x is not a canonical page address", base)
	}
	s.slots = slotCache{s: s, next: base, size: SlotSize}
	if !s.ver.BrkSingleStep {
		s.slots.size = SlotSizeHWStep // one word: no BRK #6 before v5.10
	}
	if o.FtraceCallOps && !s.ver.FtraceWithRegs {
		return nil, fmt.Errorf("kprobe: New: FtraceCallOps needs patchable-function-entry ftrace, which %s does not have", s.ver)
	}
	// init_kprobes: populate_kprobe_blacklist, and the tables the
	// registration checks search.
	if err := s.initBlacklist(&o); err != nil {
		return nil, err
	}
	// arch_init_kprobes: the kprobe BRK hooks (v5.10+: #4 and #6).
	s.RegisterKernelBreakHook(&BreakHook{Imm: KPROBES_BRK_IMM, Fn: s.kprobeBrkHandler})
	s.RegisterKernelBreakHook(&BreakHook{Imm: KPROBES_BRK_SS_IMM, Fn: s.kprobeSsBrkHandler})
	s.handler = m.HandleException(emu.ECBRK64, s.el1Brk)
	if !s.ver.BrkSingleStep {
		// Before v5.10 the step ends with a Software Step exception:
		// arch_init_kprobes registers kprobes' step hook too.
		s.stepHandler = m.HandleException(emu.ECSoftStepCur, s.singleStepHandler)
	}
	s.faultHook = m.AddExceptionHook(s.kprobeFaultHandler)
	return s, nil
}

// Machine returns the machine the subsystem runs in.
func (s *Subsystem) Machine() *emu.Machine { return s.m }

// Version returns the kernel profile in use.
func (s *Subsystem) Version() Version { return s.ver }

// Symbols returns the symbol table the subsystem resolves with.
func (s *Subsystem) Symbols() *symbols.Table { return s.syms }

// Close removes every probe (restoring the probed words) and the BRK
// handler from the machine.
func (s *Subsystem) Close() error {
	if s.closed {
		return nil
	}
	var ps []*Kprobe
	for _, p := range s.probes {
		if p.isAggr {
			ps = append(ps, p.children...)
		} else {
			ps = append(ps, p)
		}
	}
	s.UnregisterKprobes(ps)
	s.m.RemoveHandler(s.handler)
	s.m.RemoveHandler(s.stepHandler) // harmless when it was never added
	s.m.RemoveHook(s.faultHook)
	s.closed = true
	return nil
}

// symbolize is %pS of addr.
func (s *Subsystem) symbolize(addr uint64) string {
	if loc, ok := s.syms.LookupAddr(addr); ok {
		return loc.String()
	}
	return s.m.Symbolize(addr)
}
