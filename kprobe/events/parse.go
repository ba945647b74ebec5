package events

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kpemu/kpemu/kprobe"
)

// The TPARG_FL_ flags of kernel/trace/trace_probe.h that kprobes use.
const (
	tpargFlReturn  = 1 << 0
	tpargFlKernel  = 1 << 1
	tpargFlFentry  = 1 << 2
	tpargFlLocMask = 0x1f
)

// paramMaxStack is PARAM_MAX_STACK, THREAD_SIZE / sizeof(long): arm64's
// THREAD_SIZE is 16 KiB (THREAD_SHIFT 14, no KASAN).
const paramMaxStack = 16384 / 8

// uintMax is UINT_MAX, the largest offset a probe may have.
const uintMax = 0xFFFFFFFF

// parser carries what the kernel keeps in struct traceprobe_parse_context
// and the probe being built while a command is parsed.
type parser struct {
	ctx    *Context
	log    probeLog
	flags  int
	offset int // ctx->offset: where in the current word the caret goes
	probe  *Probe
}

func parse(cmd string, ctx *Context) (Command, error) {
	if ctx == nil {
		ctx = &Context{}
	}
	// A C string ends at its first NUL; the write path never passes one
	// (SplitLines rejects it), this keeps Parse total.
	raw := cstr(cmd)
	// create_or_delete_trace_kprobe looks at the raw first byte: a line
	// with white space before '-' is not a delete.
	if len(raw) > 0 && raw[0] == '-' {
		return parseDelete(raw)
	}
	argv := argvSplit(raw)
	if len(argv) == 0 {
		return nil, nil // trace_probe_create: nothing to do
	}
	ps := &parser{ctx: ctx}
	p, errno := ps.create(argv)
	if errno != 0 {
		return nil, ps.log.fail(errno)
	}
	return &Define{Probe: p}, nil
}

// parseDelete is dyn_event_release up to the search: the errors it
// returns are not logged in error_log.
func parseDelete(raw string) (Command, error) {
	argv := argvSplit(raw)
	fail := &Error{Errno: kprobe.EINVAL, Command: strings.Join(argv, " ")}
	if len(argv[0]) < 2 || argv[0][1] != ':' {
		return nil, fail
	}
	d := &Delete{Event: argv[0][2:], Args: argv[1:]}
	if i := strings.IndexByte(d.Event, '/'); i >= 0 {
		d.Group, d.Event, d.GroupGiven = d.Event[:i], d.Event[i+1:], true
	}
	if !d.GroupGiven && d.Event == "" {
		return nil, fail
	}
	if len(d.Args) == 0 {
		d.Args = nil
	}
	return d, nil
}

// create is trace_kprobe_create_internal (__trace_kprobe_create before
// v6.15) up to alloc_trace_kprobe and the argument parsing; the
// registration is the runtime's.
func (ps *parser) create(argv []string) (*Probe, kprobe.Errno) {
	isReturn := false
	switch argv[0][0] {
	case 'r':
		isReturn = true
	case 'p':
	default:
		return nil, kprobe.EINVAL // -ECANCELED, turned into -EINVAL
	}
	if len(argv) < 2 {
		return nil, kprobe.EINVAL // -ECANCELED
	}
	ps.log = probeLog{argv: append([]string(nil), argv...)}
	ps.flags = tpargFlKernel

	a0 := argv[0]
	colon := strings.IndexByte(a0[1:], ':') // relative to &argv[0][1]
	maxactive := 0
	if len(a0) > 1 && isDigit(a0[1]) {
		if !isReturn {
			ps.log.err(1, ErrBadMaxactType)
			return nil, kprobe.EINVAL
		}
		n := len(a0) - 1
		if colon >= 0 {
			n = colon
		}
		if n > MaxEventNameLen-1 {
			ps.log.err(1, ErrBadMaxact)
			return nil, kprobe.EINVAL
		}
		v, e := kstrtouint(a0[1:1+n], 0)
		if e != 0 || v == 0 {
			ps.log.err(1, ErrBadMaxact)
			return nil, kprobe.EINVAL
		}
		// The kernel stores the unsigned value in an int, so values
		// of 2^31 and more are negative and pass the limit check.
		maxactive = int(int32(v))
		if maxactive > MaxMaxActive {
			ps.log.err(1, ErrMaxactTooBig)
			return nil, kprobe.EINVAL
		}
	}

	p := &Probe{Kind: Kprobe, MaxActive: maxactive}
	ps.probe = p
	var offset int64
	if addr, e := kstrtoul(argv[1], 0); e == 0 {
		p.Addr = addr
	} else {
		ps.log.index = 1
		// A uprobe definition (PATH:OFFS) is left to the uprobe parser.
		if strings.IndexByte(argv[1], '/') >= 0 && strings.IndexByte(argv[1], ':') >= 0 {
			return nil, kprobe.EINVAL // -ECANCELED
		}
		symbol := argv[1]
		if i := strings.IndexByte(symbol, '%'); i >= 0 {
			if symbol[i:] != "%return" {
				ps.log.err(i, ErrBadAddrSuffix)
				return nil, kprobe.EINVAL
			}
			symbol = symbol[:i]
			isReturn = true
		}
		var e kprobe.Errno
		symbol, offset, e = splitSymbolOffset(symbol)
		if e != 0 || offset < 0 || offset > uintMax {
			ps.log.err(0, ErrBadProbeAddr)
			return nil, kprobe.EINVAL
		}
		if e := ps.validateProbeSymbol(symbol); e != 0 {
			if e == kprobe.EADDRNOTAVAIL {
				ps.log.err(0, ErrNonUniqSymbol)
			} else {
				ps.log.err(0, ErrBadProbeAddr)
			}
			return nil, kprobe.EINVAL
		}
		if isReturn {
			ps.flags |= tpargFlReturn
		}
		e = ps.onFuncEntry(symbol, uint64(offset))
		if e == 0 && !isReturn {
			ps.flags |= tpargFlFentry
		}
		// An unknown symbol (ENOENT) is left for registration.
		if e == kprobe.EINVAL && isReturn {
			ps.log.err(0, ErrBadRetprobe)
			return nil, kprobe.EINVAL
		}
		p.Symbol = symbol
		if i := strings.IndexByte(symbol, ':'); i > 0 {
			p.Module, p.Symbol = symbol[:i], symbol[i+1:]
		}
		p.Offset = uint64(offset)
	}
	if isReturn {
		p.Kind = Kretprobe
	}
	p.FuncEntry = ps.flags&tpargFlLocMask == tpargFlKernel|tpargFlFentry

	ps.log.index = 0
	p.Group = DefaultGroup
	if colon >= 0 {
		ev, grp, e := ps.parseEventName(a0[1+colon+1:], 1+colon+1)
		if e != 0 {
			return nil, e
		}
		p.Event = ev
		if grp != "" {
			p.Group = grp
		}
	}
	if p.Event == "" {
		p.Event = ps.defaultEventName(p, offset)
	}

	args := argv[2:]
	if e := ps.expandMetaArgs(args); e != 0 {
		return nil, e
	}
	if len(args) > MaxTraceArgs {
		ps.log.index = 2
		ps.log.err(0, ErrTooManyArgs)
		return nil, kprobe.E2BIG
	}
	args, e := ps.expandDentryArgs(args)
	if e != 0 {
		return nil, e
	}
	// The expansion rewrites the words in place, in the array the
	// probe log shares: from here on error_log shows (and positions
	// count in) the expanded command.
	copy(ps.log.argv[2:], args)
	p.Argv, p.Command = ps.log.argv, ps.log.command()
	for i, a := range args {
		ps.log.index = i + 2
		ps.offset = 0
		arg, e := ps.parseProbeArg(i, a)
		if e != 0 {
			return nil, e
		}
		p.Args = append(p.Args, arg)
	}
	return p, 0
}

// splitSymbolOffset is traceprobe_split_symbol_offset: the offset starts
// at the first '+' or '-' and is read with kstrtol, base 0.
func splitSymbolOffset(s string) (string, int64, kprobe.Errno) {
	i := strings.IndexAny(s, "+-")
	if i < 0 {
		return s, 0, 0
	}
	off, e := kstrtol(s[i:], 0)
	if e != 0 {
		return s, 0, e
	}
	return s[:i], off, 0
}

// validateProbeSymbol is validate_probe_symbol: MOD:SYM of a module that
// is not loaded is not checked; otherwise the symbol must exist once.
func (ps *parser) validateProbeSymbol(symbol string) kprobe.Errno {
	mod, name := "", symbol
	if i := strings.IndexByte(symbol, ':'); i >= 0 {
		mod, name = symbol[:i], symbol[i+1:]
		loaded := ps.ctx.ModuleLoaded == nil || ps.ctx.ModuleLoaded(mod)
		if !loaded {
			return 0
		}
	}
	count := 1
	if name == "" {
		count = 0 // no symbol has an empty name
	} else if ps.ctx.CountSymbols != nil {
		count = ps.ctx.CountSymbols(mod, name)
	}
	switch {
	case count > 1:
		return kprobe.EADDRNOTAVAIL
	case count == 0:
		return kprobe.ENOENT
	}
	return 0
}

// onFuncEntry asks Context.OnFuncEntry, or applies the arm64 rule.
func (ps *parser) onFuncEntry(symbol string, offset uint64) kprobe.Errno {
	if ps.ctx.OnFuncEntry == nil {
		if offset != 0 {
			return kprobe.EINVAL
		}
		return 0
	}
	err := ps.ctx.OnFuncEntry(0, symbol, offset)
	if err == nil {
		return 0
	}
	var errno kprobe.Errno
	if errors.As(err, &errno) {
		return errno
	}
	return kprobe.EINVAL
}

// parseEventName is traceprobe_parse_event_name: "[GROUP/][EVENT]" or
// "[GROUP.][EVENT]"; offset is where the text starts in argv[0]. An empty
// event after a group asks for the default name.
func (ps *parser) parseEventName(event string, offset int) (ev, group string, errno kprobe.Errno) {
	slash := strings.IndexByte(event, '/')
	if slash < 0 {
		slash = strings.IndexByte(event, '.')
	}
	if slash >= 0 {
		if slash == 0 {
			ps.log.err(offset, ErrNoGroupName)
			return "", "", kprobe.EINVAL
		}
		if slash+1 > MaxEventNameLen {
			ps.log.err(offset, ErrGroupTooLong)
			return "", "", kprobe.EINVAL
		}
		group = event[:slash]
		if !isGoodSystemName(group) {
			ps.log.err(offset, ErrBadGroupName)
			return "", "", kprobe.EINVAL
		}
		event = event[slash+1:]
		offset += slash + 1
	}
	switch {
	case len(event) == 0:
		if slash >= 0 {
			return "", group, 0
		}
		ps.log.err(offset, ErrNoEventName)
		return "", "", kprobe.EINVAL
	case len(event) >= MaxEventNameLen:
		ps.log.err(offset, ErrEventTooLong)
		return "", "", kprobe.EINVAL
	case !isGoodName(event):
		ps.log.err(offset, ErrBadEventName)
		return "", "", kprobe.EINVAL
	}
	return event, group, 0
}

// defaultEventName is the name the kernel makes when none is given:
// "p_SYM_OFFS"/"r_SYM_OFFS" (decimal offset, SYM with its MOD: prefix)
// or "p_0x%p" of the address, cut to MAX_EVENT_NAME_LEN - 1 bytes by
// snprintf and passed through sanitize_event_name. It is not checked
// with is_good_name.
func (ps *parser) defaultEventName(p *Probe, offset int64) string {
	c := 'p'
	if p.Kind == Kretprobe {
		c = 'r'
	}
	var name string
	if p.Symbol != "" || p.Module != "" {
		name = fmt.Sprintf("%c_%s_%d", c, p.symbolText(), offset)
	} else {
		name = fmt.Sprintf("%c_0x%s", c, pointerString(p.Addr, ps.ctx.HashPointer))
	}
	if len(name) > MaxEventNameLen-1 {
		name = name[:MaxEventNameLen-1]
	}
	return sanitizeEventName(name)
}

// pointerString is %p: the (hashed) pointer as 16 hex digits.
func pointerString(addr uint64, hash func(uint64) uint64) string {
	if hash != nil {
		addr = hash(addr)
	}
	return fmt.Sprintf("%016x", addr)
}

// expandMetaArgs is traceprobe_expand_meta_args with the BTF the model
// does not have: "$argN" needs a function entry or exit, "$arg*" is
// refused with NOSUP_BTFARG, after which the kernel goes on parsing the
// words as they are (the function returns NULL, not an error).
func (ps *parser) expandMetaArgs(args []string) kprobe.Errno {
	argsIdx := -1
	for i, a := range args {
		if !strings.HasPrefix(a, "$arg") {
			continue
		}
		ps.log.index = i + 2
		if !ps.isFunctionEntry() && !ps.isFunctionReturn() {
			ps.log.err(0, ErrNofentryArgs)
			return kprobe.EINVAL
		}
		if len(a) > 4 && isDigit(a[4]) {
			continue
		}
		if len(a) <= 4 || a[4] != '*' {
			ps.log.err(0, ErrBadVar)
			return kprobe.EINVAL
		}
		if argsIdx >= 0 && argsIdx < len(args) {
			ps.log.err(0, ErrDoubleArgs)
			return kprobe.EINVAL
		}
		argsIdx = i
	}
	// query_btf_context fails: no BTF. Plain $argN words are then parsed
	// one by one; "$arg*" is logged here and fails again as a word.
	if argsIdx != -1 {
		ps.log.err(0, ErrNosupBtfarg)
	}
	return 0
}

func (ps *parser) isFunctionEntry() bool {
	return ps.flags&tpargFlLocMask == tpargFlKernel|tpargFlFentry
}

func (ps *parser) isFunctionReturn() bool {
	return ps.flags&tpargFlLocMask == tpargFlKernel|tpargFlReturn
}

// maxDentryArgsLen is MAX_DENTRY_ARGS_LEN: the buffer all expanded
// :%pd/:%pD arguments of a command share.
const maxDentryArgsLen = 256

// expandDentryArgs is traceprobe_expand_dentry_args: "[NAME=]ARG:%pd"
// becomes "[NAME=]+0x0(+0xOFF(ARG)):string", the dentry's name; ":%pD"
// goes through a struct file first. The expanded text is the argument's
// text from then on: readback shows it, and so does error_log, because
// the kernel writes the new words into the argv array its probe log
// shares.
func (ps *parser) expandDentryArgs(args []string) ([]string, kprobe.Errno) {
	dname, fdentry := ps.ctx.DentryNameOffset, ps.ctx.FileDentryOffset
	if dname == 0 {
		dname = 0x28
	}
	if fdentry == 0 {
		fdentry = 0x48
	}
	var out []string
	used := 0
	for i, a := range args {
		if !(strings.HasSuffix(a, ":%pd") || strings.HasSuffix(a, ":%pD")) {
			continue
		}
		if out == nil {
			out = append([]string(nil), args...)
		}
		name, body := "", a[:len(a)-4]
		// The suffix holds no '=', so a NAME= is before it.
		if eq := strings.IndexByte(a, '='); eq >= 0 {
			name, body = a[:eq+1], a[eq+1:len(a)-4]
		}
		var s string
		if a[len(a)-1] == 'd' {
			s = fmt.Sprintf("%s+0x0(+0x%x(%s)):string", name, dname, body)
		} else {
			s = fmt.Sprintf("%s+0x0(+0x%x(+0x%x(%s))):string", name, dname, fdentry, body)
		}
		if len(s) >= maxDentryArgsLen-used {
			return nil, kprobe.ENOMEM
		}
		used += len(s) + 1
		out[i] = s
	}
	if out == nil {
		return args, 0
	}
	return out, 0
}
