package symbols

import "strconv"

// The printk pointer formats of lib/vsprintf.c: symbol_string, which call
// kernel/kallsyms.c: sprint_symbol (%pS), sprint_symbol_no_offset (%ps)
// and sprint_backtrace (%pB), all three through __sprint_symbol.

// SprintSymbol is %pS: "name+0xoff/0xsize", " [mod]" appended for a module
// symbol, or "0x<addr>" (lower-case hex, no padding) for an address no
// symbol covers. The numbers are printed with "%#lx", which in the kernel's
// vsnprintf always has the 0x prefix, also for zero (lib/vsprintf.c:
// number): "kernel_clone+0x0/0x2c".
func (t *Table) SprintSymbol(addr uint64) string {
	return string(t.AppendSymbol(nil, addr))
}

// AppendSymbol appends SprintSymbol's text to b, allocating only when b
// is too small: the form for trace writers.
func (t *Table) AppendSymbol(b []byte, addr uint64) []byte {
	if loc, ok := t.LookupAddr(addr); ok {
		return loc.appendTo(b, true)
	}
	return appendHex(b, addr)
}

// SprintSymbolNoOffset is %ps: the name, " [mod]" appended for a module
// symbol, or "0x<addr>".
func (t *Table) SprintSymbolNoOffset(addr uint64) string {
	if loc, ok := t.LookupAddr(addr); ok {
		return string(loc.appendTo(nil, false))
	}
	return string(appendHex(nil, addr))
}

// SprintBacktrace is %pB, for return addresses in stack traces: it looks
// up addr-1, so that a call that is the last instruction of a function
// (to a noreturn function) is named after that function and not the next
// one, and prints the offset of addr itself: "name+0xoff/0xsize".
// An address no symbol covers prints as "0x<addr>".
func (t *Table) SprintBacktrace(addr uint64) string {
	if loc, ok := t.LookupAddr(addr - 1); ok {
		loc.Offset++
		return string(loc.appendTo(nil, true))
	}
	return string(appendHex(nil, addr))
}

// Symbolize is %pS with ok false for an address no symbol covers (the
// text is then "0x<addr>"). It makes a Table an emu.Symbolizer.
func (t *Table) Symbolize(addr uint64) (s string, ok bool) {
	loc, ok := t.LookupAddr(addr)
	if !ok {
		return string(appendHex(nil, addr)), false
	}
	return string(loc.appendTo(nil, true)), true
}

func (l Location) appendTo(b []byte, offset bool) []byte {
	b = append(b, l.Symbol.Name...)
	if offset {
		b = append(b, '+')
		b = appendHex(b, l.Offset)
		b = append(b, '/')
		b = appendHex(b, l.Size)
	}
	if l.Symbol.Module != "" {
		b = append(b, " ["...)
		b = append(b, l.Symbol.Module...)
		b = append(b, ']')
	}
	return b
}

// appendHex is the kernel's "%#lx".
func appendHex(b []byte, v uint64) []byte {
	return strconv.AppendUint(append(b, "0x"...), v, 16)
}
