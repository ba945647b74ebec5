package kprobe

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/kpemu/kpemu/arm64/asm"
	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/symbols"
)

// The kretprobe trampoline before "arm64: kretprobes: acquire the regs via
// a BRK exception" (v6.9; Version.KretprobeBrkTrampoline false): real
// arm64 code, assembled here from the kernel's description
// (arch/arm64/kernel/probes/kprobes_trampoline.S, the save_all_base_regs
// and restore_all_base_regs macros):
//
//	sub  sp, sp, #PT_REGS_SIZE         // a struct pt_regs on the stack
//	stp  x0..x29 -> [sp, #S_X0..S_X28]
//	add  x0, sp, #PT_REGS_SIZE
//	stp  lr, x0, [sp, #S_LR]           // regs[30] and sp: the SP at entry
//	PSTATE = NZCV | DAIF | CurrentEL | SPSel ("a useful saved PSTATE")
//	stp  xzr, x0, [sp, #S_PC]          // pc = 0, pstate
//	add  x29, sp, #S_FP                // v5.16+: a frame pointer
//	mov  x0, sp
//	bl   trampoline_probe_handler
//	mov  lr, x0                        // the real return address
//	msr  nzcv from the saved PSTATE, ldp x0..x29
//	add  sp, sp, #PT_REGS_SIZE
//	ret
//
// trampoline_probe_handler is C in the kernel (__kprobes, in kprobes.c);
// here it is a small function of the same region whose body runs in Go:
// a frame record like a compiled C function's, then at the body address a
// code hook reads the pt_regs frame from guest memory at X0, runs the
// handler on it (kretprobeTrampolineHandler, or v5.4's own walk), writes
// the frame back and puts the returned address in X0; the function then
// pops its frame record and returns with a real RET. A BUG() in the
// handler goes to the BRK #0x800 after it (arm64's BUG() is that BRK),
// where a break hook of the subsystem's dies with the handler's message.
// Nothing in the return path is an exception: the CPU runs every word.

// Offsets in struct pt_regs (arch/arm64/kernel/asm-offsets.c).
const (
	ptRegsOffX0     = 0   // S_X0
	ptRegsOffFP     = 232 // S_FP: regs[29]
	ptRegsOffLR     = 240 // S_LR: regs[30]
	ptRegsOffSP     = 248 // S_SP
	ptRegsOffPC     = 256 // S_PC
	ptRegsOffPState = 264 // S_PSTATE
)

// Symbol names of the code trampoline region.
const (
	// kretprobeTrampolineOldSymbol is the trampoline's name before the v5.15
	// rename (Version.KretprobeFindRetAddr).
	kretprobeTrampolineOldSymbol = "kretprobe_trampoline"
	// TrampolineProbeHandlerSymbol is the C handler the code trampoline
	// calls (arch/arm64/kernel/probes/kprobes.c, before v6.9).
	TrampolineProbeHandlerSymbol = "trampoline_probe_handler"
)

// ptRegsSize is sizeof(struct pt_regs) (PT_REGS_SIZE; S_FRAME_SIZE before
// v5.12) of the profile's kernel: 320 bytes in v5.4 (orig_x0, syscallno,
// orig_addr_limit, pmr_save, stackframe[2] after the user registers), 336
// from the v5.11 entry and uaccess rework (orig_addr_limit gone;
// sdei_ttbr1, lockdep_hardirqs and exit_rcu added). The model keys it on
// KretprobeHashRemoved, also a v5.11 change; only the trampoline uses it.
func ptRegsSize(v Version) uint64 {
	if v.KretprobeHashRemoved {
		return 336
	}
	return 320
}

// trampolineCode is the assembled code trampoline: the words, and the
// offsets of trampoline_probe_handler, of its Go body and of its BUG().
type trampolineCode struct {
	words   []uint32
	handler uint64 // trampoline_probe_handler
	body    uint64 // where the Go body runs (a code hook)
	bug     uint64 // BUG(): brk #0x800
	size    uint64 // of the trampoline symbol
}

// trampolineSource writes the trampoline of v in GNU as syntax.
func trampolineSource(v Version) string {
	size := ptRegsSize(v)
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, "\t"+format+"\n", args...) }
	b.WriteString("\t.text\ntrampoline:\n")
	w("sub sp, sp, #%d", size)
	// save_all_base_regs.
	for r := 0; r < 30; r += 2 {
		w("stp x%d, x%d, [sp, #%d]", r, r+1, ptRegsOffX0+8*r)
	}
	w("add x0, sp, #%d", size)
	w("stp x30, x0, [sp, #%d]", ptRegsOffLR)
	w("mrs x0, nzcv")
	w("mrs x1, daif")
	w("orr x0, x0, x1")
	w("mrs x1, CurrentEL")
	w("orr x0, x0, x1")
	w("mrs x1, SPSel")
	w("orr x0, x0, x1")
	w("stp xzr, x0, [sp, #%d]", ptRegsOffPC)
	if v.KretprobeFramePointer {
		w("add x29, sp, #%d", ptRegsOffFP)
	}
	w("mov x0, sp")
	w("bl trampoline_probe_handler")
	w("mov x30, x0")
	// restore_all_base_regs.
	w("ldr x0, [sp, #%d]", ptRegsOffPState)
	w("and x0, x0, #%#x", PSR_N_BIT|PSR_Z_BIT|PSR_C_BIT|PSR_V_BIT)
	w("msr nzcv, x0")
	for r := 0; r < 30; r += 2 {
		w("ldp x%d, x%d, [sp, #%d]", r, r+1, ptRegsOffX0+8*r)
	}
	w("add sp, sp, #%d", size)
	w("ret")
	b.WriteString("trampoline_end:\ntrampoline_probe_handler:\n")
	w("stp x29, x30, [sp, #-16]!")
	w("mov x29, sp")
	b.WriteString("body:\n")
	w("ldp x29, x30, [sp], #16")
	w("ret")
	b.WriteString("bug:\n")
	w("brk #%#x", BUG_BRK_IMM)
	return b.String()
}

// assembleTrampoline assembles trampolineSource(v) with the project's
// assembler: everything is local to .text, so the object has no
// relocations and its words are position-independent.
func assembleTrampoline(v Version) (*trampolineCode, error) {
	o, err := asm.Assemble("kprobes_trampoline.s", []byte(trampolineSource(v)))
	if err != nil {
		return nil, err
	}
	if len(o.Relocs) != 0 {
		return nil, fmt.Errorf("kprobes_trampoline.s: %d relocations", len(o.Relocs))
	}
	var text []byte
	syms := map[string]uint64{}
	for i, sec := range o.Sections {
		if sec.Name == ".text" {
			text = sec.Data
			for _, sym := range o.Symbols {
				if sym.Section == i {
					syms[sym.Name] = sym.Value
				}
			}
		}
	}
	tc := &trampolineCode{handler: syms[TrampolineProbeHandlerSymbol], body: syms["body"],
		bug: syms["bug"], size: syms["trampoline_end"]}
	for i := 0; i+4 <= len(text); i += 4 {
		tc.words = append(tc.words, binary.LittleEndian.Uint32(text[i:]))
	}
	if tc.handler == 0 || tc.body == 0 || tc.bug == 0 || tc.size == 0 {
		return nil, fmt.Errorf("kprobes_trampoline.s: labels missing")
	}
	return tc, nil
}

// ptRegsFromFrame reads the struct pt_regs at addr in guest memory.
func ptRegsFromFrame(mem *emu.Memory, addr uint64, r *PtRegs) error {
	var buf [ptRegsOffPState + 8]byte
	if err := mem.Read(addr, buf[:]); err != nil {
		return err
	}
	for i := range r.Regs {
		r.Regs[i] = binary.LittleEndian.Uint64(buf[8*i:])
	}
	r.SP = binary.LittleEndian.Uint64(buf[ptRegsOffSP:])
	r.PC = binary.LittleEndian.Uint64(buf[ptRegsOffPC:])
	r.PState = binary.LittleEndian.Uint64(buf[ptRegsOffPState:])
	return nil
}

// ptRegsToFrame writes r back to the struct pt_regs at addr: what a
// return handler changed in regs (X0, say) is what the trampoline
// restores.
func ptRegsToFrame(mem *emu.Memory, addr uint64, r *PtRegs) error {
	var buf [ptRegsOffPState + 8]byte
	for i := range r.Regs {
		binary.LittleEndian.PutUint64(buf[8*i:], r.Regs[i])
	}
	binary.LittleEndian.PutUint64(buf[ptRegsOffSP:], r.SP)
	binary.LittleEndian.PutUint64(buf[ptRegsOffPC:], r.PC)
	binary.LittleEndian.PutUint64(buf[ptRegsOffPState:], r.PState)
	return mem.Write(addr, buf[:])
}

// trampolineProbeHandler is the Go body of trampoline_probe_handler
// (kprobes.c before v6.9), a code hook at its body address: X0 is the
// pt_regs the trampoline built. v5.11+ calls kretprobe_trampoline_handler
// (kprobe_busy around __kretprobe_trampoline_handler) with the key of the
// profile, regs->regs[29] (v5.16+) or kernel_stack_pointer(regs); v5.4
// walks the task's instances itself (trampolineProbeHandlerV54). The
// result goes to X0; a BUG() sends PC to the BRK #0x800 after the body,
// whose hook stops the run with the Oops.
func (s *Subsystem) trampolineProbeHandler(st *kretprobeState, c *emu.CPU) {
	mem := s.m.Memory()
	frame := c.X(0)
	regs := s.pushFrameRegs(c)
	// The CPU as the C function has it: a return handler's nested guest
	// calls (emu.Machine.Call) leave registers, SP, PC and PSTATE as they
	// end, which compiled C would never see; they are put back, as the
	// exception path's kernel_exit does for the BRK #7 trampoline.
	cpu := s.pushFrameRegs(c)
	c.Xs(&cpu.Regs)
	cpu.SP, cpu.PC, cpu.PState = c.SP(), c.PC(), c.PSTATE()
	defer func() {
		r := recover()
		c.SetPSTATE(cpu.PState)
		c.SetXs(&cpu.Regs)
		c.SetSP(cpu.SP)
		c.SetPC(cpu.PC)
		if r != nil {
			st.bug = s.handlerPanicked(c, st.trampoline, r)
			c.SetPC(st.code.bugAddr)
		} else if st.bug != nil {
			c.SetPC(st.code.bugAddr)
		} else {
			c.SetX(0, st.ret)
		}
		s.popRegs()
		s.popRegs()
	}()
	st.bug, st.ret = nil, 0
	if err := ptRegsFromFrame(mem, frame, regs); err != nil {
		st.bug = &Oops{Msg: fmt.Sprintf("Unable to handle kernel paging request reading pt_regs at %#x: %v", frame, err),
			PC: c.PC(), Sym: s.symbolize(c.PC())}
		return
	}
	var ret uint64
	var err error
	if s.ver.KretprobeHashRemoved {
		fp := regs.KernelStackPointer()
		if s.ver.KretprobeFramePointer {
			fp = regs.FramePointer()
		}
		kcb := s.ctlblk(c)
		saved := *kcb
		kcb.current, kcb.status = kprobeBusy, KPROBE_HIT_ACTIVE
		ret, err = s.kretprobeTrampolineHandler(st, c, regs, fp)
		*kcb = saved
	} else {
		ret, err = s.trampolineProbeHandlerV54(st, c, regs)
	}
	if err == nil {
		err = ptRegsToFrame(mem, frame, regs)
	}
	if err != nil {
		if _, ok := err.(*Oops); !ok {
			err = &Oops{Msg: err.Error(), PC: cpu.PC, Sym: s.symbolize(cpu.PC)}
		}
		st.bug = err
		return
	}
	if s.phase != nil {
		s.emitPhase(PhaseEvent{Phase: PhaseKretprobeReturn, CPU: c.ID(), PC: st.trampoline,
			Changed: []RegChange{{"x0", frame, ret}}})
	}
	st.ret = ret
}

// trampolineProbeHandlerV54 is v5.4's arm64 trampoline_probe_handler
// (!KretprobeHashRemoved): the first walk finds the real return address
// (the first of the task's instances, from the head, whose saved address
// is not the trampoline; when there is none the walk leaves ri NULL and
// kretprobe_assert dereferences it), the
// second calls each return handler up to that instance with
// current_kprobe = its kretprobe's kprobe (status HIT_ACTIVE) and
// ri->ret_addr = the real address, then current_kprobe = NULL, and
// recycles the instances. No key is checked and regs->pc stays as the
// trampoline saved it, 0.
func (s *Subsystem) trampolineProbeHandlerV54(st *kretprobeState, c *emu.CPU, regs *PtRegs) (uint64, error) {
	cpu := c.ID()
	list := st.tasks[cpu]
	node := -1
	for i := len(list) - 1; i >= 0; i-- {
		if list[i].RetAddr != st.trampoline {
			node = i
			break
		}
	}
	if node < 0 {
		// The walk ended without a break, so ri is NULL, and
		// kretprobe_assert's printk reads ri->rp.
		return 0, &Oops{Msg: "Unable to handle kernel NULL pointer dereference (kretprobe_assert)",
			PC: c.PC(), Sym: s.symbolize(c.PC())}
	}
	correct := list[node].RetAddr
	kcb := s.ctlblk(c)
	for i := len(list) - 1; i >= node; i-- {
		ri := list[i]
		if rp := GetKretprobe(ri); rp != nil && rp.Handler != nil {
			kcb.current, kcb.status = &rp.Kp, KPROBE_HIT_ACTIVE
			ri.RetAddr = correct
			rp.Handler(ri, regs)
			kcb.current = nil
		}
	}
	st.recycleFrom(cpu, node)
	return correct, nil
}

// trampolineBug is the break hook of the BUG() in trampoline_probe_handler:
// the run stops with the error the handler left.
func (s *Subsystem) trampolineBug(st *kretprobeState, c *emu.CPU, regs *PtRegs, esr uint64) (int, error) {
	if st.code == nil || regs.PC != st.code.bugAddr || st.bug == nil {
		return DBG_HOOK_ERROR, nil
	}
	err := st.bug
	st.bug = nil
	if o, ok := err.(*Oops); ok {
		o.ESR = esr
	}
	return DBG_HOOK_ERROR, err
}

// mapCodeTrampoline writes the code trampoline at addr (a fresh r-x page)
// through the text-patch path and names its two functions in kallsyms.
func (s *Subsystem) mapCodeTrampoline(addr uint64) (*codeTrampoline, error) {
	tc, err := assembleTrampoline(s.ver)
	if err != nil {
		return nil, errorf(opRegisterKretprobe, ENOMEM, "assembling the kretprobe trampoline: %v", err)
	}
	for i, w := range tc.words {
		if err := s.PatchText(addr+uint64(4*i), w); err != nil {
			return nil, err
		}
	}
	name := KretprobeTrampolineSymbol
	if !s.ver.KretprobeFindRetAddr {
		name = kretprobeTrampolineOldSymbol
	}
	end := addr + uint64(4*len(tc.words))
	s.addTextSymbol(name, addr, tc.size)
	s.addTextSymbol(TrampolineProbeHandlerSymbol, addr+tc.handler, end-(addr+tc.handler))
	// trampoline_probe_handler is __kprobes: it sits in .kprobes.text,
	// which populate_kprobe_blacklist lists symbol by symbol. The
	// trampoline itself is plain .text (kprobes_trampoline.S) and stays
	// probe-able, as on arm64. The model maps both on first use rather
	// than at boot, so the entry joins the list then.
	_, _ = s.addKsymBlacklist(addr+tc.handler, SourceKprobesText)
	return &codeTrampoline{start: addr, end: end, handlerAddr: addr + tc.handler,
		bodyAddr: addr + tc.body, bugAddr: addr + tc.bug}, nil
}

// codeTrampoline is where the code trampoline's parts are.
type codeTrampoline struct {
	start, end  uint64 // the region: trampoline and trampoline_probe_handler
	handlerAddr uint64
	bodyAddr    uint64
	bugAddr     uint64
}

// addTextSymbol names [addr, addr+size) in kallsyms as a text symbol (T),
// best effort as for the slot pages: a refused name only costs the name. A
// table that declares its memory (regions, as the loader's tables do)
// gets the range as one more region.
func (s *Subsystem) addTextSymbol(name string, addr, size uint64) {
	if s.syms.Add(symbols.Symbol{Name: name, Addr: addr, Size: size, Type: 'T'}) == nil {
		if loc, ok := s.syms.LookupAddr(addr); !ok || loc.Symbol.Name != name {
			_ = s.syms.AddRegion("", addr, addr+size)
		}
	}
}
