package stepper

import (
	"context"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"github.com/kpemu/kpemu/emu"
)

// examineSpec is the /NFU of an x command.
type examineSpec struct {
	count int
	fmt   byte // x d u o t a c s i
	unit  byte // b h w g
}

// maxExamine bounds one x command.
const maxExamine = 4096

// parseExamine parses "/NFU ADDR" (or " ADDR") with the session's last
// format and unit as defaults; it returns the spec and the address text.
func parseExamine(args string, lastFmt, lastUnit byte) (examineSpec, string, error) {
	sp := examineSpec{count: 1, fmt: lastFmt, unit: lastUnit}
	if strings.HasPrefix(args, "/") {
		end := strings.IndexAny(args, " \t")
		if end < 0 {
			end = len(args)
		}
		f := args[1:end]
		args = strings.TrimSpace(args[end:])
		i := 0
		for i < len(f) && f[i] >= '0' && f[i] <= '9' {
			i++
		}
		if i > 0 {
			n, err := strconv.Atoi(f[:i])
			if err != nil || n <= 0 || n > maxExamine {
				return sp, "", fmt.Errorf("bad count %q: want 1 to %d", f[:i], maxExamine)
			}
			sp.count = n
		}
		for _, ch := range []byte(f[i:]) {
			switch ch {
			case 'x', 'd', 'u', 'o', 't', 'a', 'c', 's', 'i':
				sp.fmt = ch
			case 'b', 'h', 'w', 'g':
				sp.unit = ch
			default:
				return sp, "", fmt.Errorf("bad format letter %q in /%s: formats are x d u o t a c s i, units b h w g", ch, f)
			}
		}
	}
	return sp, args, nil
}

func unitSize(u byte) int {
	switch u {
	case 'b':
		return 1
	case 'h':
		return 2
	case 'g':
		return 8
	}
	return 4
}

func (s *Stepper) cmdExamine(_ context.Context, args string) {
	sp, expr, err := parseExamine(args, s.lastFmt, s.lastUnit)
	if err != nil {
		s.printf("%v\n", err)
		return
	}
	var addr uint64
	switch {
	case expr != "":
		if addr, err = s.evalAddr(expr); err != nil {
			s.printf("%v\n", err)
			return
		}
	case s.haveNextX:
		addr = s.nextX // gdb: x with no address goes on after the last one
	default:
		s.printf("usage: x/NFU ADDR\n")
		return
	}
	// gdb: a and c imply their natural unit without changing the default.
	unit := sp.unit
	switch sp.fmt {
	case 'a':
		unit = 'g'
	case 'c':
		unit = 'b'
	}
	s.lastFmt = sp.fmt
	if sp.fmt != 'a' && sp.fmt != 'c' && sp.fmt != 's' && sp.fmt != 'i' {
		s.lastUnit = sp.unit
	}
	s.haveNextX = true
	switch sp.fmt {
	case 'i':
		for i := 0; i < sp.count; i++ {
			a := addr + uint64(4*i)
			label := ""
			if n := symOff(s.syms, a); n != "" {
				label = "<" + n + ">"
			}
			s.printf("%s\n", s.insnLine(a, label))
		}
		s.nextX = addr + uint64(4*sp.count)
	case 's':
		for i := 0; i < sp.count; i++ {
			str, n, err := s.readString(addr)
			if err != nil {
				s.printf("%v\n", err)
				break
			}
			s.printf("%s:\t%s\n", symAddr(s.syms, addr), str)
			addr += uint64(n)
		}
		s.nextX = addr
	default:
		s.examineUnits(addr, sp.count, unitSize(unit), sp.fmt)
		s.nextX = addr + uint64(sp.count*unitSize(unit))
	}
}

// examineUnits prints count values of size bytes, as many per line as
// gdb puts: 8 bytes or halfwords, 4 words, 2 giant words.
func (s *Stepper) examineUnits(addr uint64, count, size int, f byte) {
	perLine := map[int]int{1: 8, 2: 8, 4: 4, 8: 2}[size]
	if f == 'a' {
		perLine = 2
	}
	buf := make([]byte, 8)
	for i := 0; i < count; i++ {
		a := addr + uint64(i*size)
		if i%perLine == 0 {
			if i > 0 {
				s.printf("\n")
			}
			s.printf("%s:", symAddr(s.syms, a))
		}
		if err := s.m.Memory().Read(a, buf[:size]); err != nil {
			s.printf("\tCannot access memory at address %#x\n", a)
			return
		}
		var v uint64
		switch size {
		case 1:
			v = uint64(buf[0])
		case 2:
			v = uint64(binary.LittleEndian.Uint16(buf))
		case 4:
			v = uint64(binary.LittleEndian.Uint32(buf))
		default:
			v = binary.LittleEndian.Uint64(buf)
		}
		s.printf("\t%s", formatValue(v, size, f, s))
	}
	s.printf("\n")
}

// formatValue prints one unit as gdb's x formats do.
func formatValue(v uint64, size int, f byte, s *Stepper) string {
	bits := size * 8
	switch f {
	case 'd':
		sv := int64(v << (64 - bits) >> (64 - bits))
		if bits < 64 {
			sv = int64(v<<(64-bits)) >> (64 - bits)
		}
		return strconv.FormatInt(sv, 10)
	case 'u':
		return strconv.FormatUint(v, 10)
	case 'o':
		return "0" + strconv.FormatUint(v, 8)
	case 't':
		return fmt.Sprintf("%0*b", bits, v)
	case 'a':
		if n := symOff(s.syms, v); n != "" {
			return fmt.Sprintf("%#x <%s>", v, n)
		}
		return fmt.Sprintf("%#x", v)
	case 'c':
		return fmt.Sprintf("%d %s", int8(v), strconv.QuoteRune(rune(byte(v))))
	}
	return fmt.Sprintf("0x%0*x", size*2, v)
}

// maxString bounds x/s, as gdb's print elements limit does.
const maxString = 200

// readString reads a NUL-terminated string at addr: its quoted text and
// the bytes it spans with the terminator.
func (s *Stepper) readString(addr uint64) (string, int, error) {
	var b []byte
	var one [1]byte
	for len(b) < maxString {
		if err := s.m.Memory().Read(addr+uint64(len(b)), one[:]); err != nil {
			if len(b) == 0 {
				return "", 0, fmt.Errorf("Cannot access memory at address %#x", addr)
			}
			return strconv.Quote(string(b)) + " <unreadable>", len(b), nil
		}
		if one[0] == 0 {
			return strconv.Quote(string(b)), len(b) + 1, nil
		}
		b = append(b, one[0])
	}
	return strconv.Quote(string(b)) + "...", len(b), nil
}

// maxDisas bounds disas of a huge symbol.
const maxDisas = 4096

func (s *Stepper) cmdDisas(_ context.Context, args string) {
	addr := s.cpu.PC()
	if args != "" {
		a, err := s.evalAddr(args)
		if err != nil {
			s.printf("%v\n", err)
			return
		}
		addr = a
	}
	loc, ok := s.syms.LookupAddr(addr)
	if !ok {
		s.printf("No function contains %s.\n", symAddr(s.syms, addr))
		return
	}
	start := loc.Symbol.Addr
	n := loc.Size / 4
	if n > maxDisas {
		n = maxDisas
	}
	name := loc.Symbol.Name
	if loc.Symbol.Module != "" {
		name += " [" + loc.Symbol.Module + "]"
	}
	s.printf("Dump of assembler code for function %s:\n", name)
	for i := uint64(0); i < n; i++ {
		a := start + 4*i
		s.printf("%s\n", s.insnLine(a, fmt.Sprintf("<+%#x>", 4*i)))
	}
	s.printf("End of assembler dump.\n")
}

// cmdRegs prints the registers as gdb's info registers does: name, hex,
// natural (decimal, or the symbol for code addresses).
func (s *Stepper) cmdRegs() {
	c := s.cpu
	for i := 0; i <= 30; i++ {
		v := c.X(i)
		nat := strconv.FormatInt(int64(v), 10)
		switch i {
		case 29:
			nat = s.naturalAddr(v)
		case 30:
			nat = s.natural(v)
		}
		s.printf("%-6s %-20s %s\n", fmt.Sprintf("x%d", i), fmt.Sprintf("%#x", v), nat)
	}
	s.printf("%-6s %-20s %s\n", "sp", fmt.Sprintf("%#x", c.SP()), s.naturalAddr(c.SP()))
	s.printf("%-6s %-20s %s\n", "pc", fmt.Sprintf("%#x", c.PC()), s.natural(c.PC()))
	s.printf("%-6s %-20s %s\n", "pstate", fmt.Sprintf("%#x", c.PSTATE()), pstateString(c.PSTATE()))
}

// natural names a value as sym+off when a symbol covers it.
func (s *Stepper) natural(v uint64) string {
	if v == emu.ReturnAddress {
		return "<call return>"
	}
	if n := symOff(s.syms, v); n != "" {
		return "<" + n + ">"
	}
	return strconv.FormatInt(int64(v), 10)
}

// naturalAddr names an address as sym+off, else in hex.
func (s *Stepper) naturalAddr(v uint64) string {
	if n := symOff(s.syms, v); n != "" {
		return "<" + n + ">"
	}
	return fmt.Sprintf("%#x", v)
}

// pstateString decodes PSTATE as gdb shows CPSR: the set flags, then the
// mode.
func pstateString(p uint64) string {
	var f []string
	for _, b := range []struct {
		bit  uint64
		name string
	}{{emu.PSR_N, "N"}, {emu.PSR_Z, "Z"}, {emu.PSR_C, "C"}, {emu.PSR_V, "V"},
		{emu.PSR_SS, "SS"}, {emu.PSR_IL, "IL"}, {emu.PSR_D, "D"}, {emu.PSR_A, "A"},
		{emu.PSR_I, "I"}, {emu.PSR_F, "F"}} {
		if p&b.bit != 0 {
			f = append(f, b.name)
		}
	}
	mode := map[uint64]string{emu.PSR_EL0t: "EL0t", emu.PSR_EL1t: "EL1t", emu.PSR_EL1h: "EL1h"}[p&emu.PSR_MODE]
	if mode == "" {
		mode = fmt.Sprintf("mode %#x", p&emu.PSR_MODE)
	}
	f = append(f, mode)
	return "[ " + strings.Join(f, " ") + " ]"
}

// maxFrames bounds bt on a corrupt frame chain.
const maxFrames = 64

// cmdBt walks the frame records from X29 as the arm64 kernel unwinder
// does (arch/arm64/kernel/stacktrace.c): frame 0 is PC; each record at
// FP holds the caller's FP and the return address; the walk ends at a
// zero FP, an unreadable or misaligned record, or a record that does not
// go up the stack. As in the kernel's walk from pt_regs, a function that
// has not yet pushed its record (at its entry) leaves its caller out.
func (s *Stepper) cmdBt() {
	c := s.cpu
	s.printf("#0  %s\n", symAddr(s.syms, c.PC()))
	fp := c.X(29)
	for n := 1; fp != 0 && n <= maxFrames; n++ {
		if fp&7 != 0 {
			s.printf("(frame pointer %#x is misaligned: stopping)\n", fp)
			return
		}
		next, err1 := s.m.Memory().ReadU64(fp)
		lr, err2 := s.m.Memory().ReadU64(fp + 8)
		if err1 != nil || err2 != nil {
			s.printf("(cannot read the frame record at %#x: stopping)\n", fp)
			return
		}
		if lr == emu.ReturnAddress {
			s.printf("#%-2d %s\n", n, symAddr(s.syms, lr))
			return
		}
		s.printf("#%-2d %s\n", n, s.retAddr(lr))
		if next != 0 && next <= fp {
			s.printf("(frame record at %#x points down the stack to %#x: stopping)\n", fp, next)
			return
		}
		fp = next
	}
}

// retAddr names a return address as %pB does: the symbol of addr-1 (a
// call that ends a function returns past it), the offset of addr.
func (s *Stepper) retAddr(addr uint64) string {
	if loc, ok := s.syms.LookupAddr(addr - 1); ok {
		loc.Offset++
		return fmt.Sprintf("%#x <%s>", addr, locText(loc))
	}
	return fmt.Sprintf("%#x", addr)
}
