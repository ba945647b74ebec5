//go:build unicorn

package unicorn

// This file has //export functions, so its preamble may only hold
// declarations (it is copied into _cgo_export.h, which shim.c includes).

/*
#include <stdint.h>
#include <unicorn/unicorn.h>
#include "shim.h"
*/
import "C"

import (
	"fmt"
	"sync"
)

// Hook identifies a registered hook. The zero Hook is never returned by a
// successful registration.
type Hook uintptr

// MemAccess is the kind of memory access reported to a memory hook
// (uc_mem_type).
type MemAccess int

// Memory access kinds.
const (
	MemRead          MemAccess = C.UC_MEM_READ
	MemWrite         MemAccess = C.UC_MEM_WRITE
	MemFetch         MemAccess = C.UC_MEM_FETCH
	MemReadUnmapped  MemAccess = C.UC_MEM_READ_UNMAPPED
	MemWriteUnmapped MemAccess = C.UC_MEM_WRITE_UNMAPPED
	MemFetchUnmapped MemAccess = C.UC_MEM_FETCH_UNMAPPED
	MemWriteProt     MemAccess = C.UC_MEM_WRITE_PROT
	MemReadProt      MemAccess = C.UC_MEM_READ_PROT
	MemFetchProt     MemAccess = C.UC_MEM_FETCH_PROT
	MemReadAfter     MemAccess = C.UC_MEM_READ_AFTER
)

func (a MemAccess) String() string {
	switch a {
	case MemRead:
		return "read"
	case MemWrite:
		return "write"
	case MemFetch:
		return "fetch"
	case MemReadUnmapped:
		return "read-unmapped"
	case MemWriteUnmapped:
		return "write-unmapped"
	case MemFetchUnmapped:
		return "fetch-unmapped"
	case MemWriteProt:
		return "write-prot"
	case MemReadProt:
		return "read-prot"
	case MemFetchProt:
		return "fetch-prot"
	case MemReadAfter:
		return "read-after"
	}
	return fmt.Sprintf("MemAccess(%d)", int(a))
}

// MemHookKind selects which valid accesses HookMem reports; combine with |.
type MemHookKind int

// Valid-access hook kinds (uc_hook_type bits).
const (
	HookMemRead      MemHookKind = C.UC_HOOK_MEM_READ       // before a read; value is 0
	HookMemWrite     MemHookKind = C.UC_HOOK_MEM_WRITE      // before a write; value is the data
	HookMemFetch     MemHookKind = C.UC_HOOK_MEM_FETCH      // accepted but never fired by Unicorn 2.0.1
	HookMemReadAfter MemHookKind = C.UC_HOOK_MEM_READ_AFTER // after a read; value is the data read
)

// Interrupt numbers passed to HookInterrupt callbacks, as observed with
// Unicorn 2.0.1. They are QEMU's EXCP_* exception indexes for ARM, not
// architectural exception classes, and no syndrome comes with them.
const (
	// IntUDEF (EXCP_UDEF): undefined instruction, including UDF, HVC at
	// Unicorn's reset EL1, features the model lacks (LSE on v8.0 models)
	// and EL1-only system registers accessed at EL0. PC is the instruction.
	IntUDEF uint32 = 1
	// IntSWI (EXCP_SWI): SVC. PC is already past the svc.
	IntSWI uint32 = 2
	// IntData (EXCP_DATA_ABORT): seen for alignment faults of exclusive
	// loads. PC is the instruction. Unmapped or protected accesses are not
	// reported this way but through HookMemInvalid.
	IntData uint32 = 4
	// IntBKPT (EXCP_BKPT): BRK. PC is the brk itself.
	IntBKPT uint32 = 7
	// IntSMC (EXCP_SMC): SMC. PC is past the smc.
	IntSMC uint32 = 13
)

// hookEntry is the Go state of one hook, found from C by its integer id.
type hookEntry struct {
	e           *Engine
	code        func(addr uint64, size uint32)
	intr        func(intno uint32)
	memInvalid  func(access MemAccess, addr uint64, size int, value int64) bool
	mem         func(access MemAccess, addr uint64, size int, value int64)
	insnInvalid func() bool
}

// The handle map: C only ever sees the integer key.
var hookTab = struct {
	sync.RWMutex
	next uintptr
	m    map[uintptr]*hookEntry
}{m: make(map[uintptr]*hookEntry)}

func registerHook(ent *hookEntry) uintptr {
	hookTab.Lock()
	defer hookTab.Unlock()
	hookTab.next++
	id := hookTab.next
	hookTab.m[id] = ent
	return id
}

func unregisterHook(h Hook) {
	hookTab.Lock()
	delete(hookTab.m, uintptr(h))
	hookTab.Unlock()
}

func lookupHook(id C.uintptr_t) *hookEntry {
	hookTab.RLock()
	ent := hookTab.m[uintptr(id)]
	hookTab.RUnlock()
	return ent
}

// guard recovers a panic from a callback, records it on the engine and stops
// the emulation, so the panic never unwinds through Unicorn's C frames.
func (ent *hookEntry) guard() {
	if r := recover(); r != nil {
		e := ent.e
		if !e.panicked {
			e.panicVal, e.panicked = r, true
		}
		if e.uc != nil {
			C.uc_emu_stop(e.uc)
		}
	}
}

func (e *Engine) addHook(op string, typ C.int, kind C.int, begin, end uint64, ent *hookEntry) (Hook, error) {
	if err := e.check(op); err != nil {
		return 0, err
	}
	ent.e = e
	id := registerHook(ent)
	var uh C.uc_hook
	rc := C.kp_hook_add(e.uc, &uh, typ, kind, C.uintptr_t(id), C.uint64_t(begin), C.uint64_t(end))
	if err := ucErr("uc_hook_add("+op+")", rc); err != nil {
		unregisterHook(Hook(id))
		return 0, err
	}
	e.mu.Lock()
	e.hooks[Hook(id)] = uh
	e.mu.Unlock()
	return Hook(id), nil
}

// HookCode calls fn before each instruction whose address is in
// [begin, end]. If begin > end the hook covers all addresses. Calling Stop
// from fn stops before the hooked instruction executes (PC = addr); writing
// PC redirects execution.
func (e *Engine) HookCode(begin, end uint64, fn func(addr uint64, size uint32)) (Hook, error) {
	return e.addHook("HookCode", C.UC_HOOK_CODE, C.KP_CB_CODE, begin, end, &hookEntry{code: fn})
}

// HookBlock calls fn at the start of each translated basic block in
// [begin, end] (begin > end: everywhere).
func (e *Engine) HookBlock(begin, end uint64, fn func(addr uint64, size uint32)) (Hook, error) {
	return e.addHook("HookBlock", C.UC_HOOK_BLOCK, C.KP_CB_CODE, begin, end, &hookEntry{code: fn})
}

// HookInterrupt calls fn for CPU exceptions that Unicorn hands to the host:
// SVC, BRK, SMC, undefined instructions and some data aborts (see IntSWI,
// IntBKPT, IntUDEF...). Unicorn does not emulate the exception entry: PC,
// ELR_ELx, ESR_ELx, FAR_ELx, SPSR_ELx and PSTATE are left as they were, so
// the EL does not change. When fn returns, execution resumes at PC, which
// for BRK and UDEF is the faulting instruction itself (fn must move PC or
// call Stop to avoid an endless loop). Without this hook such exceptions
// end Start with ErrException.
func (e *Engine) HookInterrupt(fn func(intno uint32)) (Hook, error) {
	return e.addHook("HookInterrupt", C.UC_HOOK_INTR, C.KP_CB_INTR, 1, 0, &hookEntry{intr: fn})
}

// HookMemInvalid calls fn for accesses to unmapped memory and permission
// violations (read, write and fetch). Returning true tells Unicorn the
// fault was handled (e.g. fn mapped the page) and the access is retried;
// false stops emulation with the corresponding error.
func (e *Engine) HookMemInvalid(fn func(access MemAccess, addr uint64, size int, value int64) bool) (Hook, error) {
	return e.addHook("HookMemInvalid", C.UC_HOOK_MEM_INVALID, C.KP_CB_MEM_INVALID, 1, 0, &hookEntry{memInvalid: fn})
}

// HookMem calls fn for valid memory accesses of the given kinds in
// [begin, end] (begin > end: everywhere).
func (e *Engine) HookMem(kind MemHookKind, begin, end uint64, fn func(access MemAccess, addr uint64, size int, value int64)) (Hook, error) {
	valid := HookMemRead | HookMemWrite | HookMemFetch | HookMemReadAfter
	if kind == 0 || kind&^valid != 0 {
		return 0, argErr("HookMem", fmt.Sprintf("invalid memory hook kind %#x", int(kind)))
	}
	return e.addHook("HookMem", C.int(kind), C.KP_CB_MEM, begin, end, &hookEntry{mem: fn})
}

// HookInsnInvalid registers a UC_HOOK_INSN_INVALID callback (return true to
// continue, false to stop). Unicorn 2.0.1 never calls it for arm64:
// undefined instructions are reported as IntUDEF or ErrException instead.
func (e *Engine) HookInsnInvalid(fn func() bool) (Hook, error) {
	return e.addHook("HookInsnInvalid", C.UC_HOOK_INSN_INVALID, C.KP_CB_INSN_INVALID, 1, 0, &hookEntry{insnInvalid: fn})
}

// RemoveHook unregisters a hook. It may be called from a callback.
func (e *Engine) RemoveHook(h Hook) error {
	if err := e.check("RemoveHook"); err != nil {
		return err
	}
	e.mu.Lock()
	uh, ok := e.hooks[h]
	if ok {
		delete(e.hooks, h)
	}
	e.mu.Unlock()
	if !ok {
		return argErr("RemoveHook", fmt.Sprintf("unknown hook %d", uintptr(h)))
	}
	err := ucErr("uc_hook_del", C.uc_hook_del(e.uc, uh))
	unregisterHook(h)
	return err
}

//export kpGoHookCode
func kpGoHookCode(id C.uintptr_t, addr C.uint64_t, size C.uint32_t) {
	ent := lookupHook(id)
	if ent == nil || ent.code == nil {
		return
	}
	defer ent.guard()
	ent.code(uint64(addr), uint32(size))
}

//export kpGoHookIntr
func kpGoHookIntr(id C.uintptr_t, intno C.uint32_t) {
	ent := lookupHook(id)
	if ent == nil || ent.intr == nil {
		return
	}
	defer ent.guard()
	ent.intr(uint32(intno))
}

//export kpGoHookMemInvalid
func kpGoHookMemInvalid(id C.uintptr_t, typ C.int, addr C.uint64_t, size C.int, value C.int64_t) (handled C.int) {
	ent := lookupHook(id)
	if ent == nil || ent.memInvalid == nil {
		return 0
	}
	defer ent.guard()
	if ent.memInvalid(MemAccess(typ), uint64(addr), int(size), int64(value)) {
		return 1
	}
	return 0
}

//export kpGoHookMem
func kpGoHookMem(id C.uintptr_t, typ C.int, addr C.uint64_t, size C.int, value C.int64_t) {
	ent := lookupHook(id)
	if ent == nil || ent.mem == nil {
		return
	}
	defer ent.guard()
	ent.mem(MemAccess(typ), uint64(addr), int(size), int64(value))
}

//export kpGoHookInsnInvalid
func kpGoHookInsnInvalid(id C.uintptr_t) (cont C.int) {
	ent := lookupHook(id)
	if ent == nil || ent.insnInvalid == nil {
		return 0
	}
	defer ent.guard()
	if ent.insnInvalid() {
		return 1
	}
	return 0
}
