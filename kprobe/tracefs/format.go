package tracefs

import (
	"fmt"
	"strings"
)

// readFormat is the event's format file (f_show in
// kernel/trace/trace_events.c): name, ID, the common fields of struct
// trace_entry, a blank line, the probe's fields
// (kprobe_event_define_fields / kretprobe_event_define_fields and
// traceprobe_define_arg_fields) and the print fmt (__set_print_fmt).
func (t *Tracefs) readFormat(ev *probeEvent) string {
	var b strings.Builder
	fmt.Fprintf(&b, "name: %s\nID: %d\nformat:\n", ev.name, ev.id)
	field(&b, "unsigned short", "common_type", 0, 2, false)
	field(&b, "unsigned char", "common_flags", 2, 1, false)
	field(&b, "unsigned char", "common_preempt_count", 3, 1, false)
	field(&b, "int", "common_pid", 4, 4, true)
	b.WriteByte('\n')
	head := kprobeHeadSize
	if ev.isReturn {
		field(&b, "unsigned long", "__probe_func", 8, 8, false)
		field(&b, "unsigned long", "__probe_ret_ip", 16, 8, false)
		head = kretprobeHeadSize
	} else {
		field(&b, "unsigned long", "__probe_ip", 8, 8, false)
	}
	p := ev.primary().p
	for _, a := range p.Args {
		typ := a.Type.FmtType
		size := a.Type.Size
		if a.Count > 0 {
			typ = fmt.Sprintf("%s[%d]", typ, a.Count)
			size *= a.Count
		}
		field(&b, typ, a.Name, head+a.Offset, size, a.Type.Signed)
	}
	fmt.Fprintf(&b, "\nprint fmt: %s\n", p.PrintFmt())
	return b.String()
}

// field prints one field line as f_show does: an array type "T[N]"
// becomes "T NAME[N]", except for __data_loc types.
func field(b *strings.Builder, typ, name string, offset, size int, signed bool) {
	s := 0
	if signed {
		s = 1
	}
	if i := strings.IndexByte(typ, '['); i >= 0 && !strings.HasPrefix(typ, "__data_loc") {
		fmt.Fprintf(b, "\tfield:%s %s%s;\toffset:%d;\tsize:%d;\tsigned:%d;\n", typ[:i], name, typ[i:], offset, size, s)
		return
	}
	fmt.Fprintf(b, "\tfield:%s %s;\toffset:%d;\tsize:%d;\tsigned:%d;\n", typ, name, offset, size, s)
}
