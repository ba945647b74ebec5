package events

import (
	"github.com/kpemu/kpemu/kprobe"
)

// The kernel's ctype table (lib/ctype.c) is Latin-1: bytes 0xC0-0xFF are
// letters (but 0xD7 and 0xF7), and 0xA0 is a space. Names and words are
// checked with it, so these helpers follow it rather than Go's unicode
// package.

func isKernelAlpha(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		return true
	case c >= 0xC0 && c != 0xD7 && c != 0xF7:
		return true
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isXDigit(c byte) bool {
	return isDigit(c) || (c|0x20) >= 'a' && (c|0x20) <= 'f'
}

func isKernelSpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xA0
}

// argvSplit is lib/argv_split.c: words separated by runs of isspace().
// There is no quoting.
func argvSplit(s string) []string {
	var argv []string
	i := 0
	for {
		for i < len(s) && isKernelSpace(s[i]) {
			i++
		}
		if i >= len(s) {
			return argv
		}
		j := i
		for j < len(s) && !isKernelSpace(s[j]) {
			j++
		}
		argv = append(argv, s[i:j])
		i = j
	}
}

// cstr is the C view of a Go string: it ends at the first NUL.
func cstr(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return s[:i]
		}
	}
	return s
}

// fixupRadix is _parse_integer_fixup_radix (lib/kstrtox.c): base 0 picks
// 16 for "0x" followed by a hex digit, 8 for a leading 0, else 10; base 16
// skips a "0x".
func fixupRadix(s string, base int) (string, int) {
	if base == 0 {
		if len(s) > 0 && s[0] == '0' {
			if len(s) > 2 && s[1]|0x20 == 'x' && isXDigit(s[2]) {
				base = 16
			} else {
				base = 8
			}
		} else {
			base = 10
		}
	}
	if base == 16 && len(s) > 1 && s[0] == '0' && s[1]|0x20 == 'x' {
		s = s[2:]
	}
	return s, base
}

func digitVal(c byte) int {
	switch {
	case isDigit(c):
		return int(c - '0')
	case (c|0x20) >= 'a' && (c|0x20) <= 'f':
		return int(c|0x20-'a') + 10
	}
	return 16
}

// parseInteger is _parse_integer: the digits consumed, the value and
// whether it overflowed 64 bits (the value then wraps, as
// simple_strtoull's does).
func parseInteger(s string, base int) (n int, v uint64, overflow bool) {
	for n < len(s) {
		d := digitVal(s[n])
		if d >= base {
			break
		}
		hi, lo := mul64(v, uint64(base))
		lo2 := lo + uint64(d)
		if hi != 0 || lo2 < lo {
			overflow = true
		}
		v = lo2
		n++
	}
	return n, v, overflow
}

func mul64(a, b uint64) (hi, lo uint64) {
	const mask32 = 1<<32 - 1
	a0, a1 := a&mask32, a>>32
	b0, b1 := b&mask32, b>>32
	w0 := a0 * b0
	t := a1*b0 + w0>>32
	w1 := t&mask32 + a0*b1
	hi = a1*b1 + t>>32 + w1>>32
	lo = a * b
	return
}

// kstrtoullNoSign is _kstrtoull: the whole string (an optional trailing
// newline aside) must be digits.
func kstrtoullNoSign(s string, base int) (uint64, kprobe.Errno) {
	s, base = fixupRadix(s, base)
	n, v, overflow := parseInteger(s, base)
	if overflow {
		return 0, kprobe.ERANGE
	}
	if n == 0 {
		return 0, kprobe.EINVAL
	}
	s = s[n:]
	if len(s) > 0 && s[0] == '\n' {
		s = s[1:]
	}
	if len(s) > 0 {
		return 0, kprobe.EINVAL
	}
	return v, 0
}

// kstrtoul is kstrtoull/kstrtoul (64-bit): a leading '+' is accepted.
func kstrtoul(s string, base int) (uint64, kprobe.Errno) {
	if len(s) > 0 && s[0] == '+' {
		s = s[1:]
	}
	return kstrtoullNoSign(s, base)
}

// kstrtol is kstrtoll/kstrtol (64-bit).
func kstrtol(s string, base int) (int64, kprobe.Errno) {
	if len(s) > 0 && s[0] == '-' {
		v, e := kstrtoullNoSign(s[1:], base)
		if e != 0 {
			return 0, e
		}
		if int64(-v) > 0 {
			return 0, kprobe.ERANGE
		}
		return int64(-v), 0
	}
	v, e := kstrtoul(s, base)
	if e != 0 {
		return 0, e
	}
	if int64(v) < 0 {
		return 0, kprobe.ERANGE
	}
	return int64(v), 0
}

// kstrtouint is kstrtouint: kstrtoull limited to 32 bits.
func kstrtouint(s string, base int) (uint32, kprobe.Errno) {
	v, e := kstrtoul(s, base)
	if e != 0 {
		return 0, e
	}
	if v > 0xFFFFFFFF {
		return 0, kprobe.ERANGE
	}
	return uint32(v), 0
}

// simpleStrtoul is simple_strtoul: digits as far as they go; the rest of
// the string is returned. Overflow wraps.
func simpleStrtoul(s string, base int) (uint64, string) {
	t, base := fixupRadix(s, base)
	n, v, _ := parseInteger(t, base)
	return v, t[n:]
}

// isGoodName is __is_good_name(name, false) (kernel/trace/trace.h): a C
// identifier in the kernel's ctype.
func isGoodName(name string) bool { return isGoodNameHash(name, false) }

// isGoodSystemName is is_good_system_name: group names may also hold '-'.
func isGoodSystemName(name string) bool { return isGoodNameHash(name, true) }

func isGoodNameHash(name string, hashOK bool) bool {
	if name == "" {
		return false
	}
	c := name[0]
	if !isKernelAlpha(c) && c != '_' && (!hashOK || c != '-') {
		return false
	}
	for i := 1; i < len(name); i++ {
		c = name[i]
		if !isKernelAlpha(c) && !isDigit(c) && c != '_' && (!hashOK || c != '-') {
			return false
		}
	}
	return true
}

// sanitizeEventName is sanitize_event_name (trace.h): ':', '.' and '*'
// become '_', except in the first position, which the kernel's loop
// skips.
func sanitizeEventName(name string) string {
	b := []byte(name)
	for i := 1; i < len(b); i++ {
		if b[i] == ':' || b[i] == '.' || b[i] == '*' {
			b[i] = '_'
		}
	}
	return string(b)
}
