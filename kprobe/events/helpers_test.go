package events

import (
	"fmt"
	"strings"

	"github.com/kpemu/kpemu/kprobe"
)

// testSymbols is the kallsyms of the tests: name -> how many times it is
// there (kernel and modules together), and the modules that are loaded.
var testSymbols = map[string]int{
	"vfs_read": 1, "vfs_write": 1, "do_sys_open": 1, "do_sys_openat2": 1,
	"kfree": 1, "jiffies": 1, "kernel_clone": 1, "name_show": 3,
	"mymod:mod_func": 1, "foo.cold": 1,
}

// testContext answers for testSymbols; %p hashes by a fixed xor so
// hashed and raw addresses differ in the goldens.
func testContext() *Context {
	return &Context{
		ModuleLoaded: func(name string) bool { return name == "mymod" },
		CountSymbols: func(mod, name string) int {
			if mod != "" {
				return testSymbols[mod+":"+name]
			}
			return testSymbols[name] + testSymbols["mymod:"+name]
		},
	}
}

func hashPointer(addr uint64) uint64 { return (addr ^ 0x5a5a5a5a) & 0xffffffff }

var opNames = map[FetchOp]string{
	FetchOpNop: "NOP", FetchOpReg: "REG", FetchOpStack: "STACK", FetchOpStackP: "STACKP",
	FetchOpRetval: "RETVAL", FetchOpImm: "IMM", FetchOpComm: "COMM", FetchOpArg: "ARG",
	FetchOpFOffs: "FOFFS", FetchOpData: "DATA", FetchOpEData: "EDATA", FetchOpDeref: "DEREF",
	FetchOpUDeref: "UDEREF", FetchOpStRaw: "ST_RAW", FetchOpStMem: "ST_MEM",
	FetchOpStUMem: "ST_UMEM", FetchOpStString: "ST_STRING", FetchOpStUString: "ST_USTRING",
	FetchOpStSymstr: "ST_SYMSTR", FetchOpStEData: "ST_EDATA", FetchOpModBF: "MOD_BF",
	FetchOpLpArray: "LP_ARRAY", FetchOpTpArg: "TP_ARG", FetchOpEnd: "END",
	FetchNopSymbol: "NOP_SYMBOL",
}

// insnString prints a fetch instruction with the fields its operation
// uses, as the kernel's enum and struct fetch_insn name them.
func insnString(c FetchInsn) string {
	n := opNames[c.Op]
	switch c.Op {
	case FetchOpReg, FetchOpStack, FetchOpArg, FetchOpLpArray:
		return fmt.Sprintf("%s(param=%d)", n, c.Param)
	case FetchOpImm:
		return fmt.Sprintf("%s(%#x)", n, c.Immediate)
	case FetchOpData, FetchNopSymbol:
		return fmt.Sprintf("%s(%q)", n, c.Data)
	case FetchOpDeref, FetchOpUDeref, FetchOpEData, FetchOpStEData:
		return fmt.Sprintf("%s(offset=%d)", n, c.Offset)
	case FetchOpStRaw:
		return fmt.Sprintf("%s(size=%d)", n, c.Size)
	case FetchOpStMem, FetchOpStUMem, FetchOpStString, FetchOpStUString, FetchOpStSymstr:
		return fmt.Sprintf("%s(offset=%d,size=%d)", n, c.Offset, c.Size)
	case FetchOpModBF:
		return fmt.Sprintf("%s(basesize=%d,lshift=%d,rshift=%d)", n, c.BaseSize, c.LShift, c.RShift)
	}
	return n
}

func codeString(code []FetchInsn) string {
	s := make([]string, len(code))
	for i, c := range code {
		s[i] = insnString(c)
	}
	return strings.Join(s, " ")
}

// describe renders everything Parse built for a probe.
func describe(p *Probe) string {
	var b strings.Builder
	kind := "kprobe"
	if p.Kind == Kretprobe {
		kind = "kretprobe"
	}
	fmt.Fprintf(&b, "  readback: %s\n", p.String())
	fmt.Fprintf(&b, "  hashed:   %s\n", p.Readback(hashPointer))
	fmt.Fprintf(&b, "  %s group=%s event=%s", kind, p.Group, p.Event)
	if p.IsAddress() {
		fmt.Fprintf(&b, " addr=%#x", p.Addr)
	} else {
		fmt.Fprintf(&b, " module=%q symbol=%q offset=%d", p.Module, p.Symbol, p.Offset)
	}
	fmt.Fprintf(&b, " maxactive=%d funcentry=%v size=%d\n", p.MaxActive, p.FuncEntry, p.Size)
	for _, a := range p.Args {
		fmt.Fprintf(&b, "  arg %s=%s type=%s", a.Name, a.Comment, a.Type.Name)
		if a.Type.Bitfield {
			fmt.Fprintf(&b, "(b%d@%d)", a.Type.BitWidth, a.Type.BitOffset)
		}
		fmt.Fprintf(&b, " size=%d fmt=%s fmttype=%s offset=%d", a.Type.Size, a.Type.Fmt, a.Type.FmtType, a.Offset)
		if a.Count != 0 {
			fmt.Fprintf(&b, " count=%d field=%s", a.Count, a.Fmt)
		}
		if a.Dynamic {
			b.WriteString(" dynamic")
		}
		fmt.Fprintf(&b, "\n    code: %s\n", codeString(a.Code))
	}
	if p.EntryArg != nil {
		fmt.Fprintf(&b, "  entry (size %d): %s\n", p.EntryArg.Size, codeString(p.EntryArg.Code))
	}
	fmt.Fprintf(&b, "  print fmt: %s\n", p.PrintFmt())
	return b.String()
}

// describeError renders a rejected command: errno, code and the
// error_log entries.
func describeError(err error) string {
	e, ok := err.(*Error)
	if !ok {
		return fmt.Sprintf("  not an *Error: %v\n", err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "  -%s", e.Errno.Error())
	if e.Code == "" {
		b.WriteString(" (no error_log entry)\n")
		return b.String()
	}
	fmt.Fprintf(&b, " %s pos=%d\n", e.Code, e.Pos)
	for _, l := range strings.Split(strings.TrimSuffix(e.ErrorLog(), "\n"), "\n") {
		b.WriteString("  | " + l + "\n")
	}
	return b.String()
}

var _ = kprobe.EINVAL
