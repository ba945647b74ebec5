package events

import (
	"fmt"
	"strings"

	"github.com/kpemu/kpemu/kprobe"
)

// symbolText is trace_kprobe_symbol: the symbol as given, with its
// "MOD:" prefix.
func (p *Probe) symbolText() string {
	if p.Module != "" {
		return p.Module + ":" + p.Symbol
	}
	return p.Symbol
}

// IsAddress reports whether the probe point is an address (MEMADDR)
// rather than a symbol.
func (p *Probe) IsAddress() bool { return p.Symbol == "" && p.Module == "" }

// String is the probe's line in kprobe_events (without the newline), with
// address probes printed as no_hash_pointers prints them; Readback hashes
// them.
func (p *Probe) String() string { return p.Readback(nil) }

// Readback is trace_kprobe_show: "p" or "r" (with MAXACTIVE when set),
// ":GROUP/EVENT", the probe point ("SYM", "SYM+OFFS" in decimal, or "0x"
// and %p of the address through hash), then " NAME=TEXT" per argument. A
// "%return" probe reads back as "r". The kernel prints the kretprobe's
// maxactive as registration left it (register_kretprobe replaces 0 by its
// default); MaxActive is what the command said, so a runtime that wants
// the kernel's line sets it after registering.
func (p *Probe) Readback(hash func(uint64) uint64) string {
	var b strings.Builder
	if p.Kind == Kretprobe {
		b.WriteByte('r')
		if p.MaxActive != 0 {
			fmt.Fprintf(&b, "%d", p.MaxActive)
		}
	} else {
		b.WriteByte('p')
	}
	fmt.Fprintf(&b, ":%s/%s", p.Group, p.Event)
	b.WriteByte(' ')
	b.WriteString(p.probePoint(hash))
	for _, a := range p.Args {
		fmt.Fprintf(&b, " %s=%s", a.Name, a.Comment)
	}
	return b.String()
}

// probePoint is the probe point as trace_kprobe_show and
// trace_kprobe_match_command_head print it.
func (p *Probe) probePoint(hash func(uint64) uint64) string {
	switch {
	case p.IsAddress():
		return "0x" + pointerString(p.Addr, hash)
	case p.Offset != 0:
		return fmt.Sprintf("%s+%d", p.symbolText(), uint32(p.Offset))
	}
	return p.symbolText()
}

func (d *Define) String() string { return d.Probe.String() }

// String gives the delete command back.
func (d *Delete) String() string {
	var b strings.Builder
	b.WriteString("-:")
	if d.GroupGiven {
		b.WriteString(d.Group)
		b.WriteByte('/')
	}
	b.WriteString(d.Event)
	for _, a := range d.Args {
		b.WriteByte(' ')
		b.WriteString(a)
	}
	return b.String()
}

// Match is trace_kprobe_match: whether the delete command names probe p.
// The event must be equal (or not given), the group too (when given),
// and the words after the name must equal the head of the probe's
// definition: its probe point as readback prints it, then "NAME=TEXT" per
// argument. Like the kernel, each is compared as printed into a
// MAX_ARGSTR_LEN + 1 byte buffer, so only its first 63 bytes count.
func (d *Delete) Match(p *Probe, hash func(uint64) uint64) bool {
	if d.Event != "" && d.Event != p.Event {
		return false
	}
	// A non-empty Group counts as given, so that a Delete built by hand
	// needs no GroupGiven.
	if (d.GroupGiven || d.Group != "") && d.Group != p.Group {
		return false
	}
	if len(d.Args) == 0 {
		return true
	}
	if trunc(p.probePoint(hash)) != d.Args[0] {
		return false
	}
	rest := d.Args[1:]
	if len(p.Args) < len(rest) {
		return false
	}
	for i, w := range rest {
		if trunc(p.Args[i].Name+"="+p.Args[i].Comment) != w {
			return false
		}
	}
	return true
}

func trunc(s string) string {
	if len(s) > MaxArgstrLen {
		return s[:MaxArgstrLen]
	}
	return s
}

// PrintFmt is the event's print fmt (__set_print_fmt): what the format
// file shows after "print fmt: ".
func (p *Probe) PrintFmt() string {
	var b strings.Builder
	fmtHead, argHead := "(%lx)", ", REC->__probe_ip"
	if p.Kind == Kretprobe {
		fmtHead, argHead = "(%lx <- %lx)", ", REC->__probe_func, REC->__probe_ret_ip"
	}
	b.WriteString(`"` + fmtHead)
	for _, a := range p.Args {
		fmt.Fprintf(&b, " %s=", a.Name)
		if a.Count != 0 {
			b.WriteString("{" + a.Type.Fmt)
			for j := 1; j < a.Count; j++ {
				b.WriteString("," + a.Type.Fmt)
			}
			b.WriteString("}")
		} else {
			b.WriteString(a.Type.Fmt)
		}
	}
	b.WriteString(`"` + argHead)
	for _, a := range p.Args {
		str := a.Type.IsString()
		switch {
		case a.Count != 0 && str:
			for j := 0; j < a.Count; j++ {
				fmt.Fprintf(&b, ", __get_str(%s[%d])", a.Name, j)
			}
		case a.Count != 0:
			for j := 0; j < a.Count; j++ {
				fmt.Fprintf(&b, ", REC->%s[%d]", a.Name, j)
			}
		case str:
			fmt.Fprintf(&b, ", __get_str(%s)", a.Name)
		default:
			fmt.Fprintf(&b, ", REC->%s", a.Name)
		}
	}
	return b.String()
}

// UpdateArg is traceprobe_update_arg, run when the probe is registered:
// every @SYM[+|-OFFS] placeholder (FetchNopSymbol) gets its address in
// the FetchOpImm after it. lookup is kallsyms_lookup_name; a symbol it
// does not find (or finds at 0) fails with kprobe.ENOENT.
func UpdateArg(a *Arg, lookup func(name string) (uint64, bool)) error {
	for i := 0; i < len(a.Code) && a.Code[i].Op != FetchOpEnd; i++ {
		c := a.Code[i]
		if c.Op != FetchNopSymbol {
			continue
		}
		if i+1 >= len(a.Code) || a.Code[i+1].Op != FetchOpImm {
			return kprobe.EINVAL
		}
		name, off, e := splitSymbolOffset(c.Data)
		if e != 0 {
			return e
		}
		addr, ok := lookup(name)
		if !ok || addr == 0 {
			return kprobe.ENOENT
		}
		a.Code[i+1].Immediate = addr + uint64(off)
	}
	return nil
}
