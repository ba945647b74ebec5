package emu

import (
	"fmt"
)

// Features are the optional architecture features of the modelled CPU.
// Instructions of a feature that is off are UNDEFINED, as on a CPU without
// it, and the ID registers say so.
type Features struct {
	LSE   bool // FEAT_LSE: large system extensions, the atomics (LDADD, CAS, SWP, ...)
	CRC32 bool // FEAT_CRC32: CRC32B..CRC32CX
	LRCPC bool // FEAT_LRCPC: LDAPR
	SB    bool // FEAT_SB: the speculation barrier
	// PAuth is FEAT_PAuth. Off (the default), the PAC instructions in the
	// hint space (PACIASP, AUTIASP, XPACLRI, ...) execute as NOPs, which is
	// how Linux runs on such CPUs, and every other PAC form is UNDEFINED.
	// kpemu does not implement QARMA: turning it on is refused.
	PAuth bool
	// BTI is FEAT_BTI. Off (the default), BTI is a NOP hint and pages are
	// never guarded.
	BTI bool
}

// DefaultFeatures is an Armv8.2 CPU in the manner of a Neoverse N1: LSE,
// CRC32 and LRCPC, no pointer authentication, no BTI, no SB.
var DefaultFeatures = Features{LSE: true, CRC32: true, LRCPC: true}

// Config configures a Machine. The zero value (or nil) means the defaults.
type Config struct {
	CPUs     int       // number of CPUs, default 1
	Features *Features // nil means DefaultFeatures
	// MIDR is MIDR_EL1; default 0x414fd0c1 (Arm Neoverse N1 r4p1).
	MIDR uint64
	// StrictICache models a real instruction cache: guest stores to code
	// are not seen by instruction fetch until IC IVAU (or IALLU) and a
	// context synchronization event. Off, fetch always sees memory.
	StrictICache bool
	// CounterFreq is CNTFRQ_EL0 in Hz, default 1 GHz. InsnPerSecond is how
	// many instructions make a second of the deterministic clock, default
	// 1e9 (one instruction, one nanosecond). CounterBase is CNTVCT_EL0 at
	// reset.
	CounterFreq   uint64
	InsnPerSecond uint64
	CounterBase   uint64
	// Symbolizer names addresses in errors and traces (sym+0xoff/0xsize);
	// nil prints bare addresses.
	Symbolizer Symbolizer
}

// Symbolizer turns an address into the kernel's %pS form,
// "sym+0xoff/0xsize"; ok is false for an address no symbol covers.
type Symbolizer interface {
	Symbolize(addr uint64) (s string, ok bool)
}

// Machine is an arm64 machine: CPUs sharing one memory, with the hooks and
// exception handlers that tools attach to it. A Machine is not safe for
// concurrent use: one goroutine drives it (hooks and handlers run on that
// goroutine, inside Run).
type Machine struct {
	cfg      Config
	features Features
	mem      *Memory
	cpus     []*CPU
	hooks    hookSet
	handlers map[EC][]*exceptionHandler
	nextID   int
	execTab  *execTable // executors for this machine's features
	// stops are the stop addresses of the current Run, mirrored in the
	// decoded-instruction cache as flagStop.
	stops map[uint64]bool
}

// New creates a machine. cfg may be nil.
func New(cfg *Config) (*Machine, error) {
	var c Config
	if cfg != nil {
		c = *cfg
	}
	if c.CPUs == 0 {
		c.CPUs = 1
	}
	if c.CPUs < 0 || c.CPUs > 256 {
		return nil, fmt.Errorf("emu: %d CPUs: want 1 to 256", c.CPUs)
	}
	f := DefaultFeatures
	if c.Features != nil {
		f = *c.Features
	}
	if f.PAuth {
		return nil, fmt.Errorf("emu: FEAT_PAuth is not implemented (no QARMA): run without it, as on a CPU that lacks it")
	}
	if c.MIDR == 0 {
		c.MIDR = 0x414fd0c1
	}
	if c.CounterFreq == 0 {
		c.CounterFreq = 1_000_000_000
	}
	if c.InsnPerSecond == 0 {
		c.InsnPerSecond = 1_000_000_000
	}
	m := &Machine{
		cfg:      c,
		features: f,
		mem:      newMemory(c.StrictICache),
		handlers: make(map[EC][]*exceptionHandler),
		stops:    make(map[uint64]bool),
	}
	m.execTab = buildExecTable(&m.features)
	for i := 0; i < c.CPUs; i++ {
		cpu := &CPU{m: m, id: i}
		cpu.reset()
		m.cpus = append(m.cpus, cpu)
		m.mem.cpus = append(m.mem.cpus, cpu)
	}
	return m, nil
}

// reset puts a CPU in the state kpemu starts it in: EL1h, DAIF masked,
// registers zero, SCTLR_EL1 as Linux runs, FP/SIMD enabled at EL0 and EL1.
func (c *CPU) reset() {
	*c = CPU{m: c.m, id: c.id}
	c.flushTLB()
	c.el, c.spsel = 1, 1
	c.daif = PSR_DAIF
	c.sys.sctlr = sctlrReset
	c.sys.cpacr = 3 << 20 // FPEN: no FP/SIMD traps
	c.sys.oslsr = 0
	c.updateStep()
}

// Memory returns the machine's memory.
func (m *Machine) Memory() *Memory { return m.mem }

// CPU returns CPU i.
func (m *Machine) CPU(i int) *CPU { return m.cpus[i] }

// CPUs returns the number of CPUs.
func (m *Machine) CPUs() int { return len(m.cpus) }

// Features returns the modelled architecture features.
func (m *Machine) Features() Features { return m.features }

// Map maps memory; see Memory.Map.
func (m *Machine) Map(addr, size uint64, perm Perm) error { return m.mem.Map(addr, size, perm) }

// Symbolize formats addr as sym+0xoff/0xsize when the machine has a
// symbolizer that knows it, else as a hex address.
func (m *Machine) Symbolize(addr uint64) string {
	if m.cfg.Symbolizer != nil {
		if s, ok := m.cfg.Symbolizer.Symbolize(addr); ok {
			return s
		}
	}
	return fmt.Sprintf("%#x", addr)
}

// SetSymbolizer sets the symbolizer used in errors and traces.
func (m *Machine) SetSymbolizer(s Symbolizer) { m.cfg.Symbolizer = s }

// Symbolizer returns the symbolizer set by Config or SetSymbolizer (the
// loader sets the loaded image's symbol table), or nil.
func (m *Machine) Symbolizer() Symbolizer { return m.cfg.Symbolizer }
