package tracefs

import (
	"encoding/binary"

	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/kprobe"
	"github.com/kpemu/kpemu/kprobe/events"
)

// maxStringSize is MAX_STRING_SIZE (PATH_MAX): a fetched string keeps at
// most 4095 bytes and its NUL.
const maxStringSize = 4096

// threadSize is THREAD_SIZE on arm64 without KASAN: the kernel stack
// $stackN may read (regs_within_kernel_stack).
const threadSize = 16 << 10

// fetchCtx is what one fetch runs against.
type fetchCtx struct {
	t     *Tracefs
	regs  *kprobe.PtRegs
	cpu   int
	edata []byte // the kretprobe instance's entry data
}

// taskSize is TASK_SIZE for 48-bit virtual addresses: access_ok's limit.
const taskSize = 1 << 48

// read is copy_from_kernel_nofault (user false: mapped memory that is
// not a user page; Linux runs with PAN, so a kernel access to a user page
// faults, and the emulator's memory has no page tables, so "mapped" is the
// rest of the check) or copy_from_user_nofault (user true: access_ok, a
// user-half address, and user pages only, as an LDTR would see them).
func (f *fetchCtx) read(addr uint64, buf []byte, user bool) bool {
	if user && (addr >= taskSize || uint64(len(buf)) > taskSize-addr) {
		return false
	}
	mem := f.t.m.Memory()
	for i := range buf {
		a := addr + uint64(i)
		if a < addr { // wrapped
			return false
		}
		perm, ok := mem.Mapped(a)
		if !ok || perm&emu.PermRead == 0 {
			return false
		}
		if user != (perm&emu.PermUser != 0) {
			return false
		}
	}
	return mem.Read(addr, buf) == nil
}

func (f *fetchCtx) readU64(addr uint64, user bool) (uint64, bool) {
	var b [8]byte
	if !f.read(addr, b[:], user) {
		return 0, false
	}
	return binary.LittleEndian.Uint64(b[:]), true
}

// readString is strncpy_from_kernel_nofault / strncpy_from_user_nofault
// with MAX_STRING_SIZE: the bytes up to the NUL, at most 4095 of them;
// ok is false when a byte faults.
func (f *fetchCtx) readString(addr uint64, user bool) (string, bool) {
	var out []byte
	var c [1]byte
	for len(out) < maxStringSize-1 {
		if !f.read(addr+uint64(len(out)), c[:], user) {
			return "", false
		}
		if c[0] == 0 {
			break
		}
		out = append(out, c[0])
	}
	return string(out), true
}

// regsGetRegister is regs_get_register on arm64: the u64 slots of struct
// pt_regs (x0..x30, sp, pc, pstate); beyond them 0.
func regsGetRegister(r *kprobe.PtRegs, slot uint) uint64 {
	switch {
	case slot < 31:
		return r.Regs[slot]
	case slot == 31:
		return r.SP
	case slot == 32:
		return r.PC
	case slot == 33:
		return r.PState
	}
	return 0
}

// stackNth is regs_get_kernel_stack_nth: the n-th word above SP, 0 when
// it is not on the task's kernel stack (the THREAD_SIZE-aligned block
// that holds SP).
func (f *fetchCtx) stackNth(n uint) uint64 {
	sp := f.regs.SP
	addr := sp + uint64(n)*8
	if addr < sp || addr&^(threadSize-1) != sp&^(threadSize-1) {
		return 0
	}
	v, ok := f.readU64(addr, false)
	if !ok {
		return 0
	}
	return v
}

// loaded is the first stage's result: a number, or the address of a
// string the kernel would point at ($comm, an immediate string).
type loaded struct {
	val    uint64
	str    string
	hasStr bool
}

// fetchArg runs an argument's program (process_fetch_insn, then
// process_fetch_insn_bottom of trace_probe_tmpl.h) and returns its value.
func (f *fetchCtx) fetchArg(a *events.Arg, code []events.FetchInsn) Value {
	v := Value{Name: a.Name, Type: a.Type}
	if len(code) == 0 {
		v.Fault = true
		return v
	}
	// Stage 1: load.
	i := 0
	for i < len(code) && code[i].Op == events.FetchNopSymbol {
		i++
	}
	if i == len(code) {
		v.Fault = true
		return v
	}
	var ld loaded
	in := code[i]
	switch in.Op {
	case events.FetchOpReg:
		ld.val = regsGetRegister(f.regs, in.Param)
	case events.FetchOpStack:
		ld.val = f.stackNth(in.Param)
	case events.FetchOpStackP:
		ld.val = f.regs.KernelStackPointer()
	case events.FetchOpRetval:
		ld.val = f.regs.RegsReturnValue()
	case events.FetchOpImm:
		ld.val = in.Immediate
	case events.FetchOpComm:
		ld.str, ld.hasStr = f.t.task(f.cpu).Comm, true
	case events.FetchOpData:
		ld.str, ld.hasStr = in.Data, true
	case events.FetchOpArg:
		ld.val = f.regs.RegsGetKernelArgument(in.Param)
	case events.FetchOpEData:
		if in.Offset >= 0 && in.Offset+8 <= len(f.edata) {
			ld.val = binary.LittleEndian.Uint64(f.edata[in.Offset:])
		}
	default:
		v.Fault = true // -EILSEQ
		return v
	}
	return f.bottom(v, code[i+1:], ld)
}

// bottom is process_fetch_insn_bottom: dereferences, the store, the
// bitfield modifier and the array loop, producing a Value instead of
// record bytes.
func (f *fetchCtx) bottom(v Value, code []events.FetchInsn, ld loaded) Value {
	// Stage 2: dereference.
	i := 0
	lval := ld.val
	for i < len(code) && (code[i].Op == events.FetchOpDeref || code[i].Op == events.FetchOpUDeref) {
		lval = ld.val
		val, ok := f.readU64(ld.val+uint64(int64(code[i].Offset)), code[i].Op == events.FetchOpUDeref)
		if !ok {
			v.Fault = true
			return v
		}
		ld.val = val
		i++
	}
	s3 := i
	if s3 >= len(code) {
		v.Fault = true
		return v
	}
	// The array loop count, if any.
	count := 0
	for j := s3; j < len(code); j++ {
		if code[j].Op == events.FetchOpLpArray {
			count = int(code[j].Param)
		}
	}
	if count == 0 {
		return f.store(v, code[s3:], ld)
	}
	// Stage 5: FETCH_OP_LP_ARRAY repeats the store on consecutive
	// elements; for strings it re-reads the next pointer of the array
	// (val = lval + sizeof(char *)) and dereferences again.
	isStr := isStringStore(code[s3].Op)
	for n := 0; n < count; n++ {
		if n > 0 && isStr {
			// The last dereference again, on the next pointer.
			if s3 == 0 {
				v.Elems = append(v.Elems, Value{Name: v.Name, Type: v.Type, Fault: true})
				continue
			}
			d := code[s3-1]
			lval += 8
			val, ok := f.readU64(lval+uint64(int64(d.Offset)), d.Op == events.FetchOpUDeref)
			if !ok {
				// The kernel returns the error: the rest of the array
				// is not stored.
				for ; n < count; n++ {
					v.Elems = append(v.Elems, Value{Name: v.Name, Type: v.Type, Fault: true})
				}
				break
			}
			ld.val = val
		} else if n > 0 {
			ld.val += uint64(code[s3].Size)
		}
		v.Elems = append(v.Elems, f.store(Value{Name: v.Name, Type: v.Type}, code[s3:], ld))
	}
	return v
}

func isStringStore(op events.FetchOp) bool {
	return op == events.FetchOpStString || op == events.FetchOpStUString || op == events.FetchOpStSymstr
}

// store is stage 3 (store) and stage 4 (FETCH_OP_MOD_BF) for one value.
func (f *fetchCtx) store(v Value, code []events.FetchInsn, ld loaded) Value {
	in := code[0]
	off := uint64(int64(in.Offset))
	switch in.Op {
	case events.FetchOpStRaw:
		v.Int = truncate(ld.val, in.Size)
	case events.FetchOpStMem, events.FetchOpStUMem:
		size := in.Size
		if size <= 0 || size > 8 {
			size = 8
		}
		var b [8]byte
		if !f.read(ld.val+off, b[:size], in.Op == events.FetchOpStUMem) {
			v.Fault = true
			return v
		}
		v.Int = binary.LittleEndian.Uint64(b[:])
	case events.FetchOpStString, events.FetchOpStUString:
		if ld.hasStr {
			// $comm and immediate strings: the kernel copies from a
			// kernel pointer that cannot fault.
			v.Str = ld.str
			if len(v.Str) > maxStringSize-1 {
				v.Str = v.Str[:maxStringSize-1]
			}
			return v
		}
		s, ok := f.readString(ld.val+off, in.Op == events.FetchOpStUString)
		if !ok {
			v.Fault = true
			return v
		}
		v.Str = s
		return v
	case events.FetchOpStSymstr:
		// fetch_store_symstring: sprint_symbol of the value.
		v.Str = f.t.syms.SprintSymbol(ld.val + off)
		return v
	case events.FetchOpStEData:
		return v
	default:
		v.Fault = true
		return v
	}
	if len(code) > 1 && code[1].Op == events.FetchOpModBF {
		v.Int = applyBitfield(v.Int, code[1])
	}
	return v
}

// truncate is fetch_store_raw: the value cut to the store size.
func truncate(v uint64, size int) uint64 {
	switch size {
	case 1:
		return uint64(uint8(v))
	case 2:
		return uint64(uint16(v))
	case 4:
		return uint64(uint32(v))
	}
	return v
}

// applyBitfield is fetch_apply_bitfield: shift left then right within the
// container's size.
func applyBitfield(v uint64, in events.FetchInsn) uint64 {
	switch in.BaseSize {
	case 1:
		return uint64(uint8(uint8(v)<<in.LShift) >> in.RShift)
	case 2:
		return uint64(uint16(uint16(v)<<in.LShift) >> in.RShift)
	case 4:
		return uint64(uint32(uint32(v)<<in.LShift) >> in.RShift)
	}
	return v << in.LShift >> in.RShift
}

// entryData runs a return probe's entry program (store_trace_entry_data):
// FETCH_OP_ARG (or another load) then FETCH_OP_ST_EDATA into data.
func (f *fetchCtx) entryData(code []events.FetchInsn, data []byte) {
	var val uint64
	for _, in := range code {
		switch in.Op {
		case events.FetchOpArg:
			val = f.regs.RegsGetKernelArgument(in.Param)
		case events.FetchOpReg:
			val = regsGetRegister(f.regs, in.Param)
		case events.FetchOpStack:
			val = f.stackNth(in.Param)
		case events.FetchOpStackP:
			val = f.regs.KernelStackPointer()
		case events.FetchOpImm:
			val = in.Immediate
		case events.FetchOpStEData:
			if in.Offset >= 0 && in.Offset+8 <= len(data) {
				binary.LittleEndian.PutUint64(data[in.Offset:], val)
			}
		}
	}
}
