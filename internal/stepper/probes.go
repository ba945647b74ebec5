package stepper

import (
	"context"
	"encoding/binary"
	"strconv"
	"strings"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/kprobe"
)

// The probes of a session behave as the kernel's samples: probe registers
// samples/kprobes/kprobe_example.c's handlers, kretprobe
// samples/kprobes/kretprobe_example.c's, and both print what the samples
// pr_info, with %p shown plainly (the kernel hashes it) followed by the
// address as sym+off.

// kretprobeEntry is a kretprobe of the session.
type kretprobeEntry struct {
	rp   *kprobe.Kretprobe
	name string
}

// cmdProbe is kprobe_init of kprobe_example.c for the probe at args.
func (s *Stepper) cmdProbe(_ context.Context, args string) {
	if args == "" {
		s.printf("usage: probe SYM[+OFF]|ADDR\n")
		return
	}
	kp := &kprobe.Kprobe{PreHandler: s.handlerPre, PostHandler: s.handlerPost}
	if name, off, ok := symbolOffset(args); ok {
		kp.SymbolName, kp.Offset = name, off
	} else {
		addr, err := s.evalAddr(args)
		if err != nil {
			s.printf("%v\n", err)
			return
		}
		kp.Addr = addr
	}
	if err := s.kp.RegisterKprobe(kp); err != nil {
		s.printf("register_kprobe failed, returned %s\n", errnoText(err))
		return
	}
	s.probes = append(s.probes, kp)
	how := "XOL slot " + symAddr(s.syms, kp.Slot())
	if kp.Decision().Simulated() {
		how = "simulated"
	}
	s.flushPending(false) // the armed event comes first
	s.printf("Planted kprobe at 0x%x <%s>: %s (%s)\n", kp.Addr, symAt(s.syms, kp.Addr),
		s.disasmWord(kp.Opcode(), kp.Addr), how)
}

// handlerPre is kprobe_example.c's handler_pre on arm64.
func (s *Stepper) handlerPre(p *kprobe.Kprobe, regs *kprobe.PtRegs) int {
	s.note("<%s> p->addr = 0x%x, pc = 0x%x, pstate = 0x%x", nullString(p.SymbolName), p.Addr, regs.PC, regs.PState)
	return 0
}

// handlerPost is kprobe_example.c's handler_post on arm64.
func (s *Stepper) handlerPost(p *kprobe.Kprobe, regs *kprobe.PtRegs, _ uint64) {
	s.note("<%s> p->addr = 0x%x, pstate = 0x%x", nullString(p.SymbolName), p.Addr, regs.PState)
}

// cmdKretprobe is kretprobe_init of kretprobe_example.c for SYM.
func (s *Stepper) cmdKretprobe(_ context.Context, args string) {
	// An offset is passed on: register_kretprobe refuses it
	// (kprobe_on_func_entry), as the kernel does.
	name, off, ok := symbolOffset(args)
	if !ok {
		s.printf("usage: kretprobe SYM (a function name: a return probe sits at the entry)\n")
		return
	}
	e := &kretprobeEntry{name: name}
	e.rp = &kprobe.Kretprobe{
		Kp:           kprobe.Kprobe{SymbolName: name, Offset: off},
		EntryHandler: s.entryHandler,
		Handler:      func(ri *kprobe.KretprobeInstance, regs *kprobe.PtRegs) int { return s.retHandler(e, ri, regs) },
		DataSize:     8, // struct my_data { ktime_t entry_stamp; }
		MaxActive:    20,
	}
	if err := s.kp.RegisterKretprobe(e.rp); err != nil {
		s.printf("register_kretprobe failed, returned %s\n", errnoText(err))
		return
	}
	s.kretprobes = append(s.kretprobes, e)
	s.flushPending(false)
	s.printf("Planted return probe at %s: 0x%x <%s>\n", name, e.rp.Kp.Addr, symAt(s.syms, e.rp.Kp.Addr))
}

// ktimeGet is ktime_get in nanoseconds from the CPU's generic timer
// (CNTVCT_EL0 scaled by CNTFRQ_EL0), which counts retired instructions:
// deterministic.
func (s *Stepper) ktimeGet(c *emu.CPU) uint64 {
	cnt, _ := c.SysReg(sysCNTVCT)
	frq, _ := c.SysReg(sysCNTFRQ)
	if frq == 0 {
		return cnt
	}
	return cnt/frq*1_000_000_000 + cnt%frq*1_000_000_000/frq
}

var (
	sysCNTVCT, _ = arm64.LookupSysReg("CNTVCT_EL0")
	sysCNTFRQ, _ = arm64.LookupSysReg("CNTFRQ_EL0")
)

// entryHandler is kretprobe_example.c's entry_handler: it stamps the
// entry time in the instance's data. (The sample skips kernel threads,
// !current->mm; the model's task is always probed.)
func (s *Stepper) entryHandler(ri *kprobe.KretprobeInstance, _ *kprobe.PtRegs) int {
	binary.LittleEndian.PutUint64(ri.Data, s.ktimeGet(s.cpu))
	return 0
}

// retHandler is kretprobe_example.c's ret_handler.
func (s *Stepper) retHandler(e *kretprobeEntry, ri *kprobe.KretprobeInstance, regs *kprobe.PtRegs) int {
	retval := regs.RegsReturnValue()
	delta := int64(s.ktimeGet(s.cpu) - binary.LittleEndian.Uint64(ri.Data))
	s.note("%s returned %d and took %d ns to execute", e.name, retval, delta)
	return 0
}

// cmdUnprobe is the samples' exit functions for one probe or all.
func (s *Stepper) cmdUnprobe(_ context.Context, args string) {
	if args == "" {
		if len(s.probes) == 0 && len(s.kretprobes) == 0 {
			s.printf("No probes.\n")
			return
		}
		for len(s.probes) > 0 {
			s.unregisterKprobe(0)
		}
		for len(s.kretprobes) > 0 {
			s.unregisterKretprobe(0)
		}
		return
	}
	addr, err := s.evalAddr(args)
	if err != nil {
		s.printf("%v\n", err)
		return
	}
	found := false
	for i := 0; i < len(s.probes); i++ {
		if s.probes[i].Addr == addr {
			s.unregisterKprobe(i)
			i--
			found = true
		}
	}
	for i := 0; i < len(s.kretprobes); i++ {
		if s.kretprobes[i].rp.Kp.Addr == addr {
			s.unregisterKretprobe(i)
			i--
			found = true
		}
	}
	if !found {
		s.printf("No probe of this session at %s.\n", symAddr(s.syms, addr))
	}
}

func (s *Stepper) unregisterKprobe(i int) {
	kp := s.probes[i]
	s.probes = append(s.probes[:i], s.probes[i+1:]...)
	s.kp.UnregisterKprobe(kp)
	s.flushPending(false)
	s.printf("kprobe at 0x%x <%s> unregistered\n", kp.Addr, symAt(s.syms, kp.Addr))
}

func (s *Stepper) unregisterKretprobe(i int) {
	e := s.kretprobes[i]
	s.kretprobes = append(s.kretprobes[:i], s.kretprobes[i+1:]...)
	s.kp.UnregisterKretprobe(e.rp)
	s.flushPending(false)
	s.printf("kretprobe at 0x%x <%s> unregistered\n", e.rp.Kp.Addr, symAt(s.syms, e.rp.Kp.Addr))
	s.printf("Missed probing %d instances of %s\n", e.rp.NMissed, e.name)
}

// cmdList shows /sys/kernel/debug/kprobes/list.
func (s *Stepper) cmdList() {
	l := s.kp.DebugfsList()
	if l == "" {
		s.printf("(/sys/kernel/debug/kprobes/list is empty)\n")
		return
	}
	s.printf("%s", l)
}

// The kprobe subsystem's own BRK immediates: a raw BRK with one of them
// is left to kprobes' hooks, as in the kernel.
var kprobeImms = map[uint16]bool{
	kprobe.KPROBES_BRK_IMM: true, kprobe.KPROBES_BRK_SS_IMM: true, kprobe.KRETPROBES_BRK_IMM: true,
}

// cmdPatch writes "brk #IMM" at ADDR through kprobe's PatchText
// (aarch64_insn_patch_text) and registers a break hook for IMM that
// reports the exception and skips the BRK.
func (s *Stepper) cmdPatch(_ context.Context, args string) {
	const usage = "usage: patch ADDR brk #IMM"
	i := strings.Index(asciiLower(args), "brk")
	if i < 0 {
		s.printf("%s (only a BRK can be patched)\n", usage)
		return
	}
	immText := strings.TrimPrefix(strings.TrimSpace(args[i+3:]), "#")
	imm, err := strconv.ParseUint(immText, 0, 16)
	if err != nil || immText == "" {
		s.printf("bad BRK immediate %q: want 0 to 0xffff\n%s\n", immText, usage)
		return
	}
	addrText := strings.TrimSpace(args[:i])
	if addrText == "" {
		s.printf("%s\n", usage)
		return
	}
	addr, err := s.evalAddr(addrText)
	if err != nil {
		s.printf("%v\n", err)
		return
	}
	if p := s.kp.GetKprobe(addr); p != nil {
		s.printf("A kprobe is armed at %s: unprobe it first.\n", symAddr(s.syms, addr))
		return
	}
	old, err := s.m.Memory().ReadU32(addr)
	if err != nil && addr&3 == 0 {
		s.printf("Cannot access memory at address %#x\n", addr)
		return
	}
	if err := s.kp.PatchText(addr, brkWord(uint16(imm))); err != nil {
		s.printf("aarch64_insn_patch_text failed: %s\n", errnoText(err))
		return
	}
	if _, ok := s.patches[addr]; !ok {
		s.patches[addr] = old
	}
	s.printf("Patched %s: %08x %s -> %08x %s\n", symAddr(s.syms, addr), old, s.disasmWord(old, addr),
		brkWord(uint16(imm)), s.disasmWord(brkWord(uint16(imm)), addr))
	imm16 := uint16(imm)
	if kprobeImms[imm16] {
		s.printf("BRK #%#x is a kprobe immediate: kprobes' own break hook will handle it.\n", imm16)
		return
	}
	if s.brkHooks[imm16] == nil {
		h := &kprobe.BreakHook{Imm: imm16, Fn: s.rawBrkHook}
		s.kp.RegisterKernelBreakHook(h)
		s.brkHooks[imm16] = h
		s.printf("Registered a break hook for BRK #%#x.\n", imm16)
	}
}

// rawBrkHook reports a patched BRK's exception and skips the BRK, as a
// break hook that only logs would (the kernel's early_brk64 users return
// after moving PC on).
func (s *Stepper) rawBrkHook(_ *emu.CPU, regs *kprobe.PtRegs, esr uint64) (int, error) {
	ec := emu.EC(esr >> emu.ESR_ELx_EC_SHIFT)
	s.note("BRK #%#x: ESR 0x%08x (EC %#x %v, ISS %#x), ELR %s; the break hook skips it",
		esr&0xffff, esr, uint8(ec), ec, esr&0x1ffffff, symAddr(s.syms, regs.PC))
	regs.InstructionPointerSet(regs.PC + 4)
	return kprobe.DBG_HOOK_HANDLED, nil
}

// nullString is how printk's %s prints a NULL string: a probe set by
// address has no symbol_name.
func nullString(s string) string {
	if s == "" {
		return "(null)"
	}
	return s
}

// asciiLower lowers ASCII letters only, keeping byte offsets (ToLower
// would replace invalid UTF-8 and shift them).
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
