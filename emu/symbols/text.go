package symbols

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// The text formats. System.map is nm -n output of vmlinux, one symbol a
// line: "%016lx %c %s\n" (address, type, name). /proc/kallsyms is
// "%px %c %s\n" for the kernel and "%px %c %s\t[%s]\n" for a module
// symbol (kernel/kallsyms.c: s_show); %px is the address as 16 hex
// digits, or 16 zeros when the reader may not see addresses
// (kernel/kallsyms.c: kallsyms_show_value, kptr_restrict).

// maxLine bounds a line of input; kallsyms names are at most 511 bytes
// (KSYM_NAME_LEN is 512 since v6.1) and module names 55.
const maxLine = 64 << 10

// SyntaxError is a malformed line of System.map or kallsyms text.
type SyntaxError struct {
	Line int // 1-based
	Err  error
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("symbols: line %d: %v", e.Line, e.Err) }
func (e *SyntaxError) Unwrap() error { return e.Err }

// ParseSystemMap reads System.map text (or the output of nm -n):
// "address type name" lines. Undefined symbols (type U, or nm's lines
// without an address for U, w and v) are skipped; blank lines too. A line
// with a module column is an error: System.map describes vmlinux only.
func ParseSystemMap(r io.Reader) ([]Symbol, error) { return parse(r, false) }

// ParseKallsyms reads /proc/kallsyms text: System.map lines, with
// "\t[module]" after the name for a module symbol. A file read by a user
// the kernel hides addresses from has every address zero; the symbols are
// returned with Addr 0 (their names and types still answer Lookup and
// Count) and AddressesHidden reports it.
func ParseKallsyms(r io.Reader) ([]Symbol, error) { return parse(r, true) }

// AddressesHidden reports whether syms is non-empty and every address is
// zero, as /proc/kallsyms shows them when kallsyms_show_value refuses.
func AddressesHidden(syms []Symbol) bool {
	for i := range syms {
		if syms[i].Addr != 0 {
			return false
		}
	}
	return len(syms) > 0
}

func parse(r io.Reader, modules bool) ([]Symbol, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	var (
		syms   []Symbol
		fields [][]byte
		names  = map[string]string{} // module names, shared by their symbols
	)
	line := 0
	for sc.Scan() {
		line++
		fields = splitFields(fields[:0], sc.Bytes())
		if len(fields) == 0 {
			continue
		}
		if len(fields) == 2 && len(fields[0]) == 1 && bytes.IndexByte([]byte("Uwv"), fields[0][0]) >= 0 {
			continue // nm's undefined symbol: no address
		}
		if len(fields) < 3 {
			return nil, &SyntaxError{line, errors.New("want address, type and name")}
		}
		if len(fields) > 4 || len(fields) == 4 && !modules {
			return nil, &SyntaxError{line, fmt.Errorf("unexpected %q after the name", fields[3])}
		}
		addr, err := parseAddr(fields[0])
		if err != nil {
			return nil, &SyntaxError{line, err}
		}
		if len(fields[1]) != 1 {
			return nil, &SyntaxError{line, fmt.Errorf("%w %q: want one letter", ErrType, fields[1])}
		}
		s := Symbol{Addr: addr, Type: Type(fields[1][0]), Name: string(fields[2])}
		if s.Type == Undefined {
			continue
		}
		if len(fields) == 4 {
			m := fields[3]
			if len(m) < 3 || m[0] != '[' || m[len(m)-1] != ']' {
				return nil, &SyntaxError{line, fmt.Errorf("%w %q: want [module]", ErrModule, m)}
			}
			m = m[1 : len(m)-1]
			name, ok := names[string(m)]
			if !ok {
				name = string(m)
				names[name] = name
			}
			s.Module = name
		}
		if err := s.validate(); err != nil {
			return nil, &SyntaxError{line, err}
		}
		syms = append(syms, s)
	}
	if err := sc.Err(); err != nil {
		return nil, &SyntaxError{line + 1, err}
	}
	return syms, nil
}

// splitFields splits at C's isspace characters, as scanf does.
func splitFields(dst [][]byte, b []byte) [][]byte {
	for {
		i := 0
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		b = b[i:]
		if len(b) == 0 {
			return dst
		}
		j := 0
		for j < len(b) && !isSpace(b[j]) {
			j++
		}
		dst = append(dst, b[:j])
		b = b[j:]
	}
}

func parseAddr(f []byte) (uint64, error) {
	if len(f) > 16 {
		return 0, fmt.Errorf("address %q: more than 16 hex digits", f)
	}
	v, err := strconv.ParseUint(string(f), 16, 64)
	if err != nil {
		return 0, fmt.Errorf("address %q: not hexadecimal", f)
	}
	return v, nil
}

// WriteSystemMap writes the kernel's symbols (not the modules') as
// System.map, "%016lx %c %s\n" lines in nm -n order: by address, then by
// name.
func (t *Table) WriteSystemMap(w io.Writer) error {
	var idx []int32
	for i := range t.syms {
		if t.syms[i].Module == "" {
			idx = append(idx, int32(i))
		}
	}
	slices.SortStableFunc(idx, func(a, b int32) int {
		sa, sb := &t.syms[a], &t.syms[b]
		if c := cmp.Compare(sa.Addr, sb.Addr); c != 0 {
			return c
		}
		return strings.Compare(sa.Name, sb.Name)
	})
	bw := bufio.NewWriter(w)
	var line []byte
	for _, i := range idx {
		line = appendLine(line[:0], &t.syms[i], false)
		bw.Write(line)
	}
	return bw.Flush()
}

// KallsymsOptions are options of WriteKallsyms; nil means defaults.
type KallsymsOptions struct {
	// HideAddresses prints every address as 16 zeros, as /proc/kallsyms
	// does for a reader without CAP_SYSLOG or under kptr_restrict=2
	// (kernel/kallsyms.c: kallsyms_show_value).
	HideAddresses bool
}

// WriteKallsyms writes the table as /proc/kallsyms: the kernel's symbols
// in kallsyms order (All's order), then each module's in module list order
// (see Add), a module's symbols in the order they were added (the kernel
// lists a module's symbol table in its own order, unsorted:
// kernel/module/kallsyms.c: module_get_kallsym).
func (t *Table) WriteKallsyms(w io.Writer, opts *KallsymsOptions) error {
	hide := opts != nil && opts.HideAddresses
	ix := t.index()
	bw := bufio.NewWriter(w)
	var line []byte
	for _, i := range ix.byAddr {
		if s := &t.syms[i]; s.Module == "" {
			line = appendLine(line[:0], s, hide)
			bw.Write(line)
		}
	}
	byModule := make(map[string][]int32, len(t.modules))
	for i := range t.syms {
		if m := t.syms[i].Module; m != "" {
			byModule[m] = append(byModule[m], int32(i))
		}
	}
	for _, m := range t.modules {
		for _, i := range byModule[m] {
			line = appendLine(line[:0], &t.syms[i], hide)
			bw.Write(line)
		}
	}
	return bw.Flush()
}

// appendLine appends s's kallsyms line, "%016lx %c %s" plus "\t[%s]" for
// a module symbol, and the newline.
func appendLine(b []byte, s *Symbol, hide bool) []byte {
	addr := s.Addr
	if hide {
		addr = 0
	}
	const digits = "0123456789abcdef"
	for sh := 60; sh >= 0; sh -= 4 {
		b = append(b, digits[addr>>uint(sh)&0xf])
	}
	b = append(b, ' ', byte(s.Type), ' ')
	b = append(b, s.Name...)
	if s.Module != "" {
		b = append(b, "\t["...)
		b = append(b, s.Module...)
		b = append(b, ']')
	}
	return append(b, '\n')
}
