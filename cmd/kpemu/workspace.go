package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/loader"
	"github.com/kpemu/kpemu/emu/symbols"
	"github.com/kpemu/kpemu/kprobe"
)

// The machine every command builds: code linked at a kernel text address
// (the one internal/kernellib uses), a kernel stack, CPU 0 at EL1.
const (
	defaultBase      uint64 = 0xffff_8000_0800_0000
	defaultStackBase uint64 = 0xffff_8000_3000_0000
	wsStackSize      uint64 = 1 << 20 // deep recursion (ackermann) needs room
	defaultMaxInsns  uint64 = 10_000_000
)

// hexFlag is a uint64 flag shown and parsed in hex (0x prefix optional
// on input: any base strconv accepts with prefix, or plain hex digits).
type hexFlag uint64

func (h *hexFlag) String() string { return fmt.Sprintf("%#x", uint64(*h)) }
func (h *hexFlag) Type() string   { return "addr" }
func (h *hexFlag) Set(s string) error {
	v, err := parseUint(s)
	if err != nil {
		return err
	}
	*h = hexFlag(v)
	return nil
}

// parseUint reads a number as C does: 0x hex, 0 octal, else decimal.
func parseUint(s string) (uint64, error) {
	v, err := strconv.ParseUint(strings.ReplaceAll(s, "_", ""), 0, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	return v, nil
}

// parseInt64 reads a possibly negative number; a negative value is its
// two's complement, as a register holds it.
func parseInt64(s string) (uint64, error) {
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		v, err := parseUint(rest)
		if err != nil {
			return 0, fmt.Errorf("%q is not a number", s)
		}
		return -v, nil
	}
	return parseUint(s)
}

// loadOptions are the flags of the commands that load FILE...
type loadOptions struct {
	base hexFlag
}

func addLoadFlags(cmd *cobra.Command, o *loadOptions) {
	o.base = hexFlag(defaultBase)
	cmd.Flags().Var(&o.base, "base", "address to link .s and object files at (an ELF executable or vmlinux stays at its own addresses)")
}

// workspace is one loaded machine: the files linked into memory, their
// symbol table (the kallsyms model), a kernel stack, and the kprobe
// subsystem of the chosen kernel profile.
type workspace struct {
	files    []string
	m        *emu.Machine
	loaded   *loader.Loaded
	syms     *symbols.Table
	kp       *kprobe.Subsystem
	stackTop uint64
}

// load links files (.s sources, relocatable objects; or one ELF
// executable or vmlinux) into a new machine and sets up the kprobe
// subsystem of profile a.version on it. Problems with the files are input
// errors (exit 4); assembler errors keep their file:line:col.
func (a *app) load(files []string, o loadOptions) (*workspace, error) {
	var size int64
	for _, f := range files {
		if st, err := os.Stat(f); err == nil {
			size += st.Size()
		}
	}
	msg := "loading " + strings.Join(files, " ")
	if size >= 1<<20 {
		msg += fmt.Sprintf(" (%d MB)", size>>20)
	}
	pr := startProgress(a.stderr, a.stderrTerminal, msg)
	m, err := emu.New(nil)
	if err != nil {
		pr.Stop()
		return nil, err
	}
	lo := &loader.Options{Base: uint64(o.base)}
	var l *loader.Loaded
	if len(files) == 1 {
		l, err = loader.LoadFile(m, files[0], lo)
	} else {
		l, err = loader.LoadFiles(m, files, lo)
	}
	pr.Stop()
	if err != nil {
		return nil, inputError(err)
	}
	ws := &workspace{files: files, m: m, loaded: l, syms: l.Symbols}
	if err := ws.mapStack(); err != nil {
		return nil, err
	}
	// The function runs as kernel code in a task (a system call, say):
	// interrupts on, so that what a kprobe hit masks and restores shows.
	m.CPU(0).SetDAIF(0)
	v := a.version
	ws.kp, err = kprobe.New(m, &kprobe.Options{Version: &v, Symbols: l.Symbols})
	if err != nil {
		return nil, err
	}
	return ws, nil
}

// mapStack maps the kernel stack at its usual address, or just above the
// image if the image is there (a vmlinux may be).
func (ws *workspace) mapStack() error {
	base := defaultStackBase
	if err := ws.m.Map(base, wsStackSize, emu.PermRW); err != nil {
		_, hi := ws.loaded.Image.Bounds()
		base = (hi+wsStackSize-1)&^(wsStackSize-1) + wsStackSize // a guard gap below
		if err := ws.m.Map(base, wsStackSize, emu.PermRW); err != nil {
			return fmt.Errorf("mapping the kernel stack: %w", err)
		}
	}
	ws.stackTop = base + wsStackSize
	ws.m.CPU(0).SetSP(ws.stackTop)
	return nil
}

// filesText names the loaded files in messages.
func (ws *workspace) filesText() string {
	names := make([]string, len(ws.files))
	for i, f := range ws.files {
		names[i] = filepath.Base(f)
	}
	return strings.Join(names, ", ")
}

// location is a parsed probe or address expression: "SYM", "SYM+OFF"
// (OFF decimal or 0x hex) or an absolute "0xADDR".
type location struct {
	text   string
	sym    string // "" for an absolute address
	offset uint64
	addr   uint64 // the absolute address, when sym is ""
}

func parseLocation(s string) (location, error) {
	loc := location{text: s}
	s = strings.TrimSpace(s)
	if s == "" {
		return loc, usageErrorf("empty address: want SYM, SYM+OFF or 0xADDR")
	}
	if c := s[0]; c >= '0' && c <= '9' {
		v, err := parseUint(s)
		if err != nil {
			return loc, usageErrorf("bad address %q: want SYM, SYM+OFF or 0xADDR", s)
		}
		loc.addr = v
		return loc, nil
	}
	name, off, hasOff := strings.Cut(s, "+")
	loc.sym = strings.TrimSpace(name)
	if hasOff {
		v, err := parseUint(strings.TrimSpace(off))
		if err != nil {
			return loc, usageErrorf("bad offset in %q: %v", s, err)
		}
		loc.offset = v
	}
	if loc.sym == "" || strings.ContainsAny(loc.sym, " \t(),") {
		return loc, usageErrorf("bad address %q: want SYM, SYM+OFF or 0xADDR", s)
	}
	return loc, nil
}

// kprobe returns a struct kprobe for the location, as a module would fill
// it: symbol_name and offset, or addr. Resolution and every check are
// register_kprobe's.
func (l location) kprobe() *kprobe.Kprobe {
	if l.sym != "" {
		return &kprobe.Kprobe{SymbolName: l.sym, Offset: l.offset}
	}
	return &kprobe.Kprobe{Addr: l.addr}
}

// resolve turns an address expression into an address; an unknown
// symbol is a usage error that names the files searched.
func (ws *workspace) resolve(expr string) (uint64, error) {
	loc, err := parseLocation(expr)
	if err != nil {
		return 0, err
	}
	if loc.sym == "" {
		return loc.addr, nil
	}
	s, ok := ws.syms.LookupName(loc.sym)
	if !ok {
		return 0, usageErrorf("unknown symbol %q: not defined in %s", loc.sym, ws.filesText())
	}
	return s.Addr + loc.offset, nil
}

// sym names an address as %pS does ("chain_b+0x8/0x30"), or in hex.
func (ws *workspace) sym(addr uint64) string { return ws.syms.SprintSymbol(addr) }

// objdumpSym names a branch target as objdump does, <sym+0xoff>.
func (ws *workspace) objdumpSym(addr uint64) (string, bool) {
	loc, ok := ws.syms.LookupAddr(addr)
	if !ok {
		return "", false
	}
	if loc.Offset == 0 {
		return loc.Symbol.Name, true
	}
	return fmt.Sprintf("%s+%#x", loc.Symbol.Name, loc.Offset), true
}

// call is a parsed call: the function, its AAPCS64 arguments, and the
// text to show it by.
type call struct {
	name string
	fn   uint64
	args []uint64
	text string
}

// parseCall reads 'fn(1, 0x2, -3, sym)' or, with args given separately
// (--args), a bare 'fn'. An argument is a number (negative means two's
// complement) or an address expression (a pointer to a global).
func (ws *workspace) parseCall(expr string, sepArgs []string) (call, error) {
	expr = strings.TrimSpace(expr)
	if expr == "" {
		return call{}, usageErrorf("nothing to call: give --call 'FUNC(ARGS...)' or --call FUNC --args A,B")
	}
	name, argText := expr, ""
	if i := strings.IndexByte(expr, '('); i >= 0 {
		if !strings.HasSuffix(expr, ")") {
			return call{}, usageErrorf("bad call %q: missing ')'", expr)
		}
		if len(sepArgs) > 0 {
			return call{}, usageErrorf("give the arguments either in the call %q or with --args, not both", expr)
		}
		name, argText = strings.TrimSpace(expr[:i]), expr[i+1:len(expr)-1]
	}
	var parts []string
	if strings.TrimSpace(argText) != "" {
		parts = strings.Split(argText, ",")
	} else {
		parts = sepArgs
	}
	c := call{name: name}
	fn, err := ws.resolve(name)
	if err != nil {
		return call{}, err
	}
	c.fn = fn
	shown := make([]string, len(parts))
	for i, p := range parts {
		p = strings.TrimSpace(p)
		shown[i] = p
		v, err := ws.parseArg(p)
		if err != nil {
			return call{}, usageErrorf("argument %d of %s: %v", i+1, name, errors.Unwrap(err))
		}
		c.args = append(c.args, v)
	}
	c.text = name + "(" + strings.Join(shown, ", ") + ")"
	return c, nil
}

func (ws *workspace) parseArg(s string) (uint64, error) {
	if s == "" {
		return 0, usageErrorf("empty argument")
	}
	if c := s[0]; c == '-' || c >= '0' && c <= '9' {
		v, err := parseInt64(s)
		if err != nil {
			return 0, usageErrorf("%v", err)
		}
		return v, nil
	}
	v, err := ws.resolve(s)
	if err != nil {
		return 0, usageErrorf("%v", errors.Unwrap(err))
	}
	return v, nil
}

// callFunction calls c on CPU 0 with the instruction budget and ctx (SIGINT
// cancels it), the progress line shown on a terminal. It returns X0 and
// the number of instructions executed.
func (a *app) callFunction(ctx context.Context, ws *workspace, c call, budget uint64) (uint64, uint64, error) {
	cpu := ws.m.CPU(0)
	start := cpu.Retired()
	pr := startProgress(a.stderr, a.stderrTerminal, "running "+c.text+" (Ctrl-C stops it)")
	x0, err := ws.m.Call(ctx, c.fn, c.args, &emu.CallOptions{Budget: budget, SP: ws.stackTop})
	pr.Stop()
	n := cpu.Retired() - start
	var be *emu.BudgetError
	var ce *emu.CanceledError
	switch {
	case err == nil:
	case errors.As(err, &be):
		err = fmt.Errorf("%s did not return within %d instructions (--max-insns; a runaway loop?): %w", c.text, budget, err)
	case errors.As(err, &ce):
		err = fmt.Errorf("%s interrupted: %w", c.text, err)
	default:
		err = fmt.Errorf("%s: %w", c.text, err)
	}
	return x0, n, err
}
