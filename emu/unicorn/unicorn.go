//go:build unicorn

package unicorn

/*
#cgo LDFLAGS: -lunicorn
#include <stdlib.h>
#include <unicorn/unicorn.h>
#include "shim.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"sync"
	"time"
	"unsafe"
)

// ErrCode is a Unicorn uc_err code. It implements error with the text of
// uc_strerror, so errors returned by this package can be matched with
// errors.Is(err, unicorn.ErrInsnInvalid) and similar.
type ErrCode int

// Unicorn 2.0.1 error codes (uc_err).
const (
	ErrOK             ErrCode = C.UC_ERR_OK
	ErrNoMem          ErrCode = C.UC_ERR_NOMEM
	ErrArch           ErrCode = C.UC_ERR_ARCH
	ErrHandle         ErrCode = C.UC_ERR_HANDLE
	ErrMode           ErrCode = C.UC_ERR_MODE
	ErrVersion        ErrCode = C.UC_ERR_VERSION
	ErrReadUnmapped   ErrCode = C.UC_ERR_READ_UNMAPPED
	ErrWriteUnmapped  ErrCode = C.UC_ERR_WRITE_UNMAPPED
	ErrFetchUnmapped  ErrCode = C.UC_ERR_FETCH_UNMAPPED
	ErrHook           ErrCode = C.UC_ERR_HOOK
	ErrInsnInvalid    ErrCode = C.UC_ERR_INSN_INVALID
	ErrMap            ErrCode = C.UC_ERR_MAP
	ErrWriteProt      ErrCode = C.UC_ERR_WRITE_PROT
	ErrReadProt       ErrCode = C.UC_ERR_READ_PROT
	ErrFetchProt      ErrCode = C.UC_ERR_FETCH_PROT
	ErrArg            ErrCode = C.UC_ERR_ARG
	ErrReadUnaligned  ErrCode = C.UC_ERR_READ_UNALIGNED
	ErrWriteUnaligned ErrCode = C.UC_ERR_WRITE_UNALIGNED
	ErrFetchUnaligned ErrCode = C.UC_ERR_FETCH_UNALIGNED
	ErrHookExist      ErrCode = C.UC_ERR_HOOK_EXIST
	ErrResource       ErrCode = C.UC_ERR_RESOURCE
	ErrException      ErrCode = C.UC_ERR_EXCEPTION
)

const errClosedEngineMsg = "engine is closed"

// ErrTimeout is returned by Start when the timeout expired before the
// emulation ended (Unicorn itself reports success in that case; the binding
// asks uc_query(UC_QUERY_TIMEOUT)).
var ErrTimeout = errors.New("unicorn: emulation timed out")

var errCodeNames = [...]string{
	"UC_ERR_OK", "UC_ERR_NOMEM", "UC_ERR_ARCH", "UC_ERR_HANDLE", "UC_ERR_MODE",
	"UC_ERR_VERSION", "UC_ERR_READ_UNMAPPED", "UC_ERR_WRITE_UNMAPPED",
	"UC_ERR_FETCH_UNMAPPED", "UC_ERR_HOOK", "UC_ERR_INSN_INVALID", "UC_ERR_MAP",
	"UC_ERR_WRITE_PROT", "UC_ERR_READ_PROT", "UC_ERR_FETCH_PROT", "UC_ERR_ARG",
	"UC_ERR_READ_UNALIGNED", "UC_ERR_WRITE_UNALIGNED", "UC_ERR_FETCH_UNALIGNED",
	"UC_ERR_HOOK_EXIST", "UC_ERR_RESOURCE", "UC_ERR_EXCEPTION",
}

// Name returns the C identifier of the code, e.g. "UC_ERR_INSN_INVALID".
func (c ErrCode) Name() string {
	if c >= 0 && int(c) < len(errCodeNames) {
		return errCodeNames[c]
	}
	return fmt.Sprintf("UC_ERR_%d", int(c))
}

// Error returns uc_strerror's text for the code.
func (c ErrCode) Error() string {
	return C.GoString(C.uc_strerror(C.uc_err(c)))
}

// Error is returned by every failing Engine method. Op names the Unicorn
// call that failed; Code is the uc_err it returned; Text is uc_strerror's
// message (or a binding-side explanation for errors detected in Go).
type Error struct {
	Op   string
	Code ErrCode
	Text string
}

func (e *Error) Error() string {
	return fmt.Sprintf("unicorn: %s: %s (%s=%d)", e.Op, e.Text, e.Code.Name(), int(e.Code))
}

// Unwrap lets errors.Is match the ErrCode.
func (e *Error) Unwrap() error { return e.Code }

func ucErr(op string, rc C.uc_err) error {
	if rc == C.UC_ERR_OK {
		return nil
	}
	c := ErrCode(rc)
	return &Error{Op: op, Code: c, Text: c.Error()}
}

func argErr(op, text string) error {
	return &Error{Op: op, Code: ErrArg, Text: text}
}

// CPUModel selects the arm64 CPU that Unicorn emulates (uc_cpu_arm64).
type CPUModel int

// CPU models offered by Unicorn 2.0.1 for UC_ARCH_ARM64.
const (
	CPUA57 CPUModel = C.UC_CPU_ARM64_A57 // Cortex-A57, ARMv8.0
	CPUA53 CPUModel = C.UC_CPU_ARM64_A53 // Cortex-A53, ARMv8.0
	CPUA72 CPUModel = C.UC_CPU_ARM64_A72 // Cortex-A72, ARMv8.0
	CPUMax CPUModel = C.UC_CPU_ARM64_MAX // QEMU "max": all features QEMU 5.0 implements
)

func (m CPUModel) String() string {
	switch m {
	case CPUA57:
		return "A57"
	case CPUA53:
		return "A53"
	case CPUA72:
		return "A72"
	case CPUMax:
		return "MAX"
	}
	return fmt.Sprintf("CPUModel(%d)", int(m))
}

// Perm is a set of memory protection bits (uc_prot).
type Perm uint32

// Memory permissions.
const (
	PermNone Perm = C.UC_PROT_NONE
	PermR    Perm = C.UC_PROT_READ
	PermW    Perm = C.UC_PROT_WRITE
	PermX    Perm = C.UC_PROT_EXEC
	PermRW        = PermR | PermW
	PermRX        = PermR | PermX
	PermAll  Perm = C.UC_PROT_ALL
)

// Engine is one Unicorn arm64 instance. Methods are not safe for concurrent
// use, except Stop, which may be called from a hook or another goroutine.
// Hook callbacks run on the goroutine that called Start and may call any
// Engine method except Close, FlushTB and SwitchPSTATE (which refuse).
type Engine struct {
	uc    *C.uc_engine
	model CPUModel

	mu    sync.Mutex
	hooks map[Hook]C.uc_hook // guarded by mu

	// panicVal holds the first panic raised by a hook callback during the
	// current Start; Start re-raises it once Unicorn has returned.
	panicVal any
	panicked bool

	// running is true while uc_emu_start is executing (hooks run then).
	running bool
}

// New opens an arm64 (UC_ARCH_ARM64, UC_MODE_ARM) engine and selects model
// with uc_ctl(UC_CTL_CPU_MODEL) before anything else touches the CPU. It
// then sets CPACR_EL1.FPEN = 0b11 (FP/SIMD allowed at EL0 and EL1) and
// SCR_EL3.RW = 1 (EL1 is AArch64, so ERET to EL1 is legal).
func New(model CPUModel) (*Engine, error) {
	return open(model, true)
}

func open(model CPUModel, fixup bool) (*Engine, error) {
	if model < CPUA57 || model > CPUMax {
		return nil, argErr("New", fmt.Sprintf("unknown CPU model %d", int(model)))
	}
	var uc *C.uc_engine
	if err := ucErr("uc_open", C.uc_open(C.UC_ARCH_ARM64, C.UC_MODE_ARM, &uc)); err != nil {
		return nil, err
	}
	e := &Engine{uc: uc, model: model, hooks: make(map[Hook]C.uc_hook)}
	if err := ucErr("uc_ctl(CPU_MODEL)", C.kp_ctl_set_cpu_model(uc, C.int(model))); err != nil {
		C.uc_close(uc)
		return nil, err
	}
	if !fixup {
		return e, nil
	}
	if err := e.archFixup(); err != nil {
		C.uc_close(uc)
		return nil, err
	}
	return e, nil
}

// archFixup makes the reset system-register state agree with what Unicorn
// executes: CPACR_EL1.FPEN (bits 21:20) = 0b11 so FP/SIMD is allowed at EL0
// and EL1 (Unicorn does not enforce FPEN anyway), and SCR_EL3.RW (bit 10) = 1
// so that EL1 counts as AArch64 (at reset SCR_EL3.RW = 0, which makes every
// ERET to EL1 an illegal exception return).
func (e *Engine) archFixup() error {
	v, err := e.ReadSysReg(SysCPACR_EL1)
	if err != nil {
		return err
	}
	if err := e.WriteSysReg(SysCPACR_EL1, v|3<<20); err != nil {
		return err
	}
	v, err = e.ReadSysReg(SysSCR_EL3)
	if err != nil {
		return err
	}
	return e.WriteSysReg(SysSCR_EL3, v|1<<10)
}

// Model returns the CPU model the engine was opened with.
func (e *Engine) Model() CPUModel { return e.model }

func (e *Engine) check(op string) error {
	if e == nil || e.uc == nil {
		return &Error{Op: op, Code: ErrHandle, Text: errClosedEngineMsg}
	}
	return nil
}

// Close removes all hooks and releases the engine. It must not be called
// from a hook callback.
func (e *Engine) Close() error {
	if err := e.check("Close"); err != nil {
		return err
	}
	if e.running {
		return argErr("Close", "cannot close the engine from a hook")
	}
	e.mu.Lock()
	for h := range e.hooks {
		unregisterHook(h)
	}
	e.hooks = nil
	e.mu.Unlock()
	err := ucErr("uc_close", C.uc_close(e.uc))
	e.uc = nil
	return err
}

// Version returns the Unicorn library version as reported by uc_version,
// e.g. 0x020001ff for 2.0.1 final (major<<24 | minor<<16 | patch<<8 | extra).
func Version() uint32 {
	return uint32(C.uc_version(nil, nil))
}

// PageSize returns Unicorn's target page size; Map, Unmap and Protect
// addresses and sizes must be multiples of it.
func (e *Engine) PageSize() (uint32, error) {
	if err := e.check("PageSize"); err != nil {
		return 0, err
	}
	var ps C.uint32_t
	if err := ucErr("uc_ctl(PAGE_SIZE)", C.kp_ctl_get_page_size(e.uc, &ps)); err != nil {
		return 0, err
	}
	return uint32(ps), nil
}

// Map maps size bytes at addr with the given permissions. The memory is
// zero-filled. addr and size must be page aligned.
func (e *Engine) Map(addr, size uint64, perm Perm) error {
	if err := e.check("Map"); err != nil {
		return err
	}
	return ucErr("uc_mem_map", C.uc_mem_map(e.uc, C.uint64_t(addr), C.size_t(size), C.uint32_t(perm)))
}

// Unmap removes a mapping (or part of one).
func (e *Engine) Unmap(addr, size uint64) error {
	if err := e.check("Unmap"); err != nil {
		return err
	}
	return ucErr("uc_mem_unmap", C.uc_mem_unmap(e.uc, C.uint64_t(addr), C.size_t(size)))
}

// Protect changes the permissions of mapped memory.
func (e *Engine) Protect(addr, size uint64, perm Perm) error {
	if err := e.check("Protect"); err != nil {
		return err
	}
	return ucErr("uc_mem_protect", C.uc_mem_protect(e.uc, C.uint64_t(addr), C.size_t(size), C.uint32_t(perm)))
}

// ReadMem fills buf from emulated memory at addr. Permissions are ignored.
func (e *Engine) ReadMem(addr uint64, buf []byte) error {
	if err := e.check("ReadMem"); err != nil {
		return err
	}
	if len(buf) == 0 {
		return nil
	}
	return ucErr("uc_mem_read", C.uc_mem_read(e.uc, C.uint64_t(addr), unsafe.Pointer(&buf[0]), C.size_t(len(buf))))
}

// WriteMem copies data into emulated memory at addr. Permissions are
// ignored. Unicorn does not reliably drop translated blocks that cover the
// written range; call FlushTB (or InvalidateTB) after writing code.
func (e *Engine) WriteMem(addr uint64, data []byte) error {
	if err := e.check("WriteMem"); err != nil {
		return err
	}
	if len(data) == 0 {
		return nil
	}
	return ucErr("uc_mem_write", C.uc_mem_write(e.uc, C.uint64_t(addr), unsafe.Pointer(&data[0]), C.size_t(len(data))))
}

// Region is one mapped memory range; End is inclusive, as in uc_mem_region.
type Region struct {
	Begin, End uint64
	Perm       Perm
}

// Regions lists the current mappings.
func (e *Engine) Regions() ([]Region, error) {
	if err := e.check("Regions"); err != nil {
		return nil, err
	}
	var regs *C.uc_mem_region
	var n C.uint32_t
	if err := ucErr("uc_mem_regions", C.uc_mem_regions(e.uc, &regs, &n)); err != nil {
		return nil, err
	}
	if regs == nil {
		return nil, nil
	}
	defer C.uc_free(unsafe.Pointer(regs))
	out := make([]Region, 0, int(n))
	for _, r := range unsafe.Slice(regs, int(n)) {
		out = append(out, Region{Begin: uint64(r.begin), End: uint64(r.end), Perm: Perm(r.perms)})
	}
	return out, nil
}

// FlushTB drops every translated block (uc_ctl UC_CTL_TB_FLUSH). Call it
// between Start calls after WriteMem to code that may already have been
// translated while emulation was running (see the package documentation).
// Unicorn 2.0.1 crashes when the flush happens inside a hook, so FlushTB
// refuses to run during Start; use InvalidateTB from hooks.
func (e *Engine) FlushTB() error {
	if err := e.check("FlushTB"); err != nil {
		return err
	}
	if e.running {
		return argErr("FlushTB", "cannot flush the translation cache from a hook (Unicorn would crash); use InvalidateTB")
	}
	return ucErr("uc_ctl(TB_FLUSH)", C.kp_ctl_tb_flush(e.uc))
}

// InvalidateTB drops translated blocks covering [begin, end)
// (uc_ctl UC_CTL_TB_REMOVE_CACHE). It is safe to call from a hook; blocks
// invalidated that way are retranslated the next time they are entered.
func (e *Engine) InvalidateTB(begin, end uint64) error {
	if err := e.check("InvalidateTB"); err != nil {
		return err
	}
	return ucErr("uc_ctl(TB_REMOVE_CACHE)", C.kp_ctl_remove_cache(e.uc, C.uint64_t(begin), C.uint64_t(end)))
}

// Start runs code from begin until the PC reaches until, timeout elapses
// (0: no timeout; ErrTimeout), count instructions have executed (0: no
// limit), a hook calls Stop, or an error occurs. Reaching until, count and
// Stop all return nil; PC then holds the next instruction to execute.
//
// Performance trap in Unicorn 2.0.1: a Start with count > 0 installs an
// instruction-counting hook, and the next Start with count == 0 removes it
// and flushes every translated block, which costs tens of milliseconds to
// seconds. Avoid alternating counted and uncounted runs on one engine.
//
// If a hook callback panics, the emulation is stopped and Start re-panics
// with the same value after Unicorn has returned.
func (e *Engine) Start(begin, until uint64, timeout time.Duration, count int) error {
	if err := e.check("Start"); err != nil {
		return err
	}
	if count < 0 {
		return argErr("Start", "negative instruction count")
	}
	if timeout < 0 {
		return argErr("Start", "negative timeout")
	}
	us := uint64(timeout / time.Microsecond)
	if timeout > 0 && us == 0 {
		us = 1
	}
	e.panicVal, e.panicked = nil, false
	wasRunning := e.running
	e.running = true
	rc := C.uc_emu_start(e.uc, C.uint64_t(begin), C.uint64_t(until), C.uint64_t(us), C.size_t(count))
	e.running = wasRunning
	if e.panicked {
		v := e.panicVal
		e.panicVal, e.panicked = nil, false
		panic(v)
	}
	if err := ucErr("uc_emu_start", rc); err != nil {
		return err
	}
	if timeout > 0 {
		var timedOut C.size_t
		if C.uc_query(e.uc, C.UC_QUERY_TIMEOUT, &timedOut) == C.UC_ERR_OK && timedOut != 0 {
			return ErrTimeout
		}
	}
	return nil
}

// Stop asks a running emulation to stop. It is meant to be called from a
// hook callback (or another goroutine); Start then returns nil. From a code
// hook the hooked instruction is not executed; from an interrupt hook PC
// stays where the hook saw it.
func (e *Engine) Stop() error {
	if err := e.check("Stop"); err != nil {
		return err
	}
	return ucErr("uc_emu_stop", C.uc_emu_stop(e.uc))
}

// Errno returns uc_errno: the last error recorded by the engine.
func (e *Engine) Errno() error {
	if err := e.check("Errno"); err != nil {
		return err
	}
	return ucErr("uc_errno", C.uc_errno(e.uc))
}
