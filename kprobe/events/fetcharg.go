package events

import (
	"fmt"
	"strings"

	"github.com/kpemu/kpemu/kprobe"
)

// reservedFieldNames are the names an argument may not take
// (reserved_field_names in kernel/trace/trace_probe.c).
var reservedFieldNames = []string{
	"common_type", "common_flags", "common_preempt_count", "common_pid",
	"common_tgid", "__probe_ip", "__probe_ret_ip", "__probe_func",
}

// parseProbeArg is traceprobe_parse_probe_arg: "[NAME=]FETCHARG[:TYPE]".
func (ps *parser) parseProbeArg(i int, arg string) (*Arg, kprobe.Errno) {
	parg := &Arg{}
	body := arg
	if eq := strings.IndexByte(arg, '='); eq >= 0 {
		if eq > MaxArgNameLen {
			ps.log.err(0, ErrArgNameTooLong)
			return nil, kprobe.EINVAL
		}
		if eq == 0 {
			ps.log.err(0, ErrNoArgName)
			return nil, kprobe.EINVAL
		}
		parg.Name, body = arg[:eq], arg[eq+1:]
	} else {
		parg.Name = ps.generateProbeArgName(arg, i)
	}
	if !isGoodName(parg.Name) {
		ps.log.err(0, ErrBadArgName)
		return nil, kprobe.EINVAL
	}
	if ps.conflictFieldName(parg.Name) {
		ps.log.err(0, ErrUsedArgName)
		return nil, kprobe.EINVAL
	}
	ps.offset = len(arg) - len(body)
	if e := ps.parseProbeArgBody(body, parg); e != 0 {
		return nil, e
	}
	return parg, 0
}

// generateProbeArgName is generate_probe_arg_name: with BTF arguments
// configured, an argument that is an identifier (up to its ':') names
// itself; otherwise argN, counting from 1.
func (ps *parser) generateProbeArgName(arg string, i int) string {
	if ps.ctx.BTFArgs {
		name := arg
		if c := strings.IndexByte(arg, ':'); c >= 0 {
			name = arg[:c]
		}
		if isGoodName(name) {
			return name
		}
	}
	return fmt.Sprintf("arg%d", i+1)
}

func (ps *parser) conflictFieldName(name string) bool {
	for _, r := range reservedFieldNames {
		if r == name {
			return true
		}
	}
	for _, a := range ps.probe.Args {
		if a.Name == name {
			return true
		}
	}
	return false
}

// parseProbeArgBody is traceprobe_parse_probe_arg_body.
func (ps *parser) parseProbeArgBody(body string, parg *Arg) kprobe.Errno {
	if len(body) > MaxArgstrLen {
		ps.log.err(ps.offset, ErrArgTooLong)
		return kprobe.E2BIG
	}
	if len(body) == 0 {
		ps.log.err(ps.offset, ErrNoArgBody)
		return kprobe.EINVAL
	}
	parg.Comment = body
	arg, typ, typeOffs, e := ps.parseProbeArgType(body, parg)
	if e != 0 {
		return e
	}
	var code [FetchInsnMax]FetchInsn
	code[FetchInsnMax-1].Op = FetchOpEnd
	pc := 0
	if e := ps.parseFetch(arg, code[:], &pc); e != 0 {
		return e
	}
	parg.Offset = ps.probe.Size
	n := parg.Count
	if n == 0 {
		n = 1
	}
	ps.probe.Size += parg.Type.Size * n
	// "tracing: probes: Fix to limit the event size" (2026, in the
	// stable series too): the record may not outgrow
	// MAX_PROBE_EVENT_SIZE.
	if ps.probe.Size > MaxProbeEventSize {
		ps.log.err(ps.offset, ErrEventTooBig)
		return kprobe.E2BIG
	}
	if parg.Count != 0 {
		parg.Fmt = fmt.Sprintf("%s[%d]", parg.Type.FmtType, parg.Count)
	}
	last, e := ps.finalizeFetchInsn(code[:], pc, parg, typ, typeOffs)
	if e != 0 {
		return e
	}
	parg.Code = append([]FetchInsn(nil), code[:last+1]...)
	return 0
}

// parseProbeArgType is parse_probe_arg_type: it cuts ":TYPE[N]" off the
// argument and finds the fetch type. It returns the fetch argument, the
// type text (nil when none was given) and where the type starts.
func (ps *parser) parseProbeArgType(arg string, parg *Arg) (string, *string, int, kprobe.Errno) {
	var t *string
	offs := 0
	if c := strings.IndexByte(arg, ':'); c >= 0 {
		ts := arg[c+1:]
		arg = arg[:c]
		if b := strings.IndexByte(ts, '['); b >= 0 {
			inner := ts[b+1:]
			innerOffs := c + 1 + b + 1
			ts = ts[:b]
			r := strings.IndexByte(inner, ']')
			if r < 0 {
				ps.log.err(ps.offset+innerOffs+len(inner), ErrArrayNoClose)
				return "", nil, 0, kprobe.EINVAL
			}
			if r+1 < len(inner) {
				ps.log.err(ps.offset+innerOffs+r+1, ErrBadArraySuffix)
				return "", nil, 0, kprobe.EINVAL
			}
			count, e := kstrtouint(inner[:r], 0)
			if e != 0 || count == 0 {
				ps.log.err(ps.offset+innerOffs, ErrBadArrayNum)
				return "", nil, 0, kprobe.EINVAL
			}
			if count > MaxArrayLen {
				ps.log.err(ps.offset+innerOffs, ErrArrayTooBig)
				return "", nil, 0, kprobe.EINVAL
			}
			parg.Count = int(count)
		}
		t = &ts
		offs = c + 1
	}
	// $comm and an immediate string cannot be dereferenced, so their
	// type must be string and not an array.
	if arg == "$comm" || arg == "$COMM" || strings.HasPrefix(arg, `\"`) {
		if parg.Count != 0 || (t != nil && *t != "string") {
			ps.log.err(ps.offset+offs, ErrNeedStringType)
			return "", nil, 0, kprobe.EINVAL
		}
		parg.Type = LookupType("string")
	} else if t == nil {
		parg.Type = LookupType("")
	} else if *t == "" {
		parg.Type = nil // find_fetch_type("") finds nothing
	} else {
		parg.Type = LookupType(*t)
	}
	if parg.Type == nil {
		ps.log.err(ps.offset+offs, ErrBadType)
		return "", nil, 0, kprobe.EINVAL
	}
	return arg, t, offs, 0
}

// regOffsetNames is arm64's regoffset_table (arch/arm64/kernel/ptrace.c)
// by u64 slot of struct pt_regs: x0..x30, lr (= x30), sp, pc, pstate.
func regsQueryRegisterOffset(name string) (uint, bool) {
	switch name {
	case "lr":
		return 30, true
	case "sp":
		return 31, true
	case "pc":
		return 32, true
	case "pstate":
		return 33, true
	}
	if len(name) >= 2 && len(name) <= 3 && name[0] == 'x' {
		for n := uint(0); n <= 30; n++ {
			if name == fmt.Sprintf("x%d", n) {
				return n, true
			}
		}
	}
	return 0, false
}

// parseFetch is parse_probe_arg, the recursive fetch-argument parser. pc
// is the slot of code being written; end is the last slot, which holds
// FETCH_OP_END.
func (ps *parser) parseFetch(arg string, code []FetchInsn, pc *int) kprobe.Errno {
	end := len(code) - 1
	var e kprobe.Errno
	switch {
	case arg == "":
		// Not reachable from a non-empty body except through a dereference
		// of "()", which falls through to BAD_FETCH_ARG below.
	case arg[0] == '$':
		e = ps.parseProbeVars(arg, code, pc)
	case arg[0] == '%':
		if r, ok := regsQueryRegisterOffset(arg[1:]); ok {
			code[*pc] = FetchInsn{Op: FetchOpReg, Param: r}
		} else {
			ps.log.err(ps.offset, ErrBadRegName)
			e = kprobe.EINVAL
		}
	case arg[0] == '@':
		var offset int64
		switch {
		case len(arg) > 1 && isDigit(arg[1]):
			v, err := kstrtoul(arg[1:], 0)
			if err != 0 {
				ps.log.err(ps.offset, ErrBadMemAddr)
				return err
			}
			code[*pc] = FetchInsn{Op: FetchOpImm, Immediate: v}
		case len(arg) > 1 && arg[1] == '+':
			// kprobes don't support file offsets
			ps.log.err(ps.offset, ErrFileOnKprobe)
			return kprobe.EINVAL
		default:
			// The symbol is kept and resolved at registration
			// (traceprobe_update_arg).
			code[*pc] = FetchInsn{Op: FetchNopSymbol, Data: arg[1:]}
			*pc++
			if *pc == end {
				ps.log.err(ps.offset, ErrTooManyOps)
				return kprobe.EINVAL
			}
			code[*pc] = FetchInsn{Op: FetchOpImm}
		}
		*pc++
		if *pc == end {
			ps.log.err(ps.offset, ErrTooManyOps)
			return kprobe.EINVAL
		}
		code[*pc] = FetchInsn{Op: FetchOpDeref, Offset: int(offset)}
	case arg[0] == '+' || arg[0] == '-':
		deref := FetchOpDeref
		s := arg
		if len(s) > 1 && s[1] == 'u' {
			deref = FetchOpUDeref
			s = s[:1] + s[2:] // arg[1] = arg[0]; arg++
		}
		if s[0] == '+' {
			s = s[1:] // kstrtol() rejects '+'... after it took one
		}
		open := strings.IndexByte(s, '(')
		if open < 0 {
			ps.log.err(ps.offset, ErrDerefNeedBrace)
			return kprobe.EINVAL
		}
		offset, err := kstrtol(s[:open], 0)
		if err != 0 {
			ps.log.err(ps.offset, ErrBadDerefOffs)
			return err
		}
		// The kernel's caret arithmetic: after a 'u' it points one byte
		// short of the inner argument.
		ps.offset += open + 1
		if s[0] != '-' {
			ps.offset++
		}
		inner := s[open+1:]
		closeAt := strings.LastIndexByte(inner, ')')
		if closeAt < 0 {
			ps.log.err(ps.offset+len(inner), ErrDerefOpenBrace)
			return kprobe.EINVAL
		}
		inner = inner[:closeAt] // anything after the last ')' is ignored
		curOffs := ps.offset
		if err := ps.parseFetch(inner, code, pc); err != 0 {
			return err
		}
		ps.offset = curOffs
		if op := code[*pc].Op; op == FetchOpComm || op == FetchOpData {
			ps.log.err(ps.offset, ErrCommCantDeref)
			return kprobe.EINVAL
		}
		*pc++
		if *pc == end {
			ps.log.err(ps.offset, ErrTooManyOps)
			return kprobe.EINVAL
		}
		code[*pc] = FetchInsn{Op: deref, Offset: int(offset)}
	case arg[0] == '\\':
		if len(arg) > 1 && arg[1] == '"' {
			str := arg[2:]
			if len(str) == 0 || str[len(str)-1] != '"' {
				ps.log.err(ps.offset+2+len(str), ErrImmstrNoClose)
				return kprobe.EINVAL
			}
			code[*pc] = FetchInsn{Op: FetchOpData, Data: str[:len(str)-1]}
		} else {
			v, err := strToImmediate(arg[1:])
			if err != 0 {
				ps.log.err(ps.offset+1, ErrBadImm)
				return err
			}
			code[*pc] = FetchInsn{Op: FetchOpImm, Immediate: v}
		}
	case isKernelAlpha(arg[0]) || arg[0] == '_':
		// A BTF variable.
		if !ps.isFunctionEntry() && !ps.isFunctionReturn() {
			ps.log.err(ps.offset, ErrNosupBtfarg)
			return kprobe.EINVAL
		}
		return ps.parseBTFArg(arg, code, pc)
	}
	if e == 0 && code[*pc].Op == FetchOpNop {
		// Parsed, but no fetch method found.
		ps.log.err(ps.offset, ErrBadFetchArg)
		return kprobe.EINVAL
	}
	return e
}

// strToImmediate is str_to_immediate: "\IMM" is an unsigned number, or a
// signed one with a '-' or '+' in front.
func strToImmediate(s string) (uint64, kprobe.Errno) {
	switch {
	case s == "":
		return 0, kprobe.EINVAL
	case isDigit(s[0]):
		return kstrtoul(s, 0)
	case s[0] == '-':
		v, e := kstrtol(s, 0)
		return uint64(v), e
	case s[0] == '+':
		v, e := kstrtol(s[1:], 0)
		return uint64(v), e
	}
	return 0, kprobe.EINVAL
}

// parseProbeVars is parse_probe_vars for a kprobe: $retval, $stack,
// $stackN, $comm/$COMM, $argN. Errors point at the '$'.
func (ps *parser) parseProbeVars(orig string, code []FetchInsn, pc *int) kprobe.Errno {
	arg := orig[1:]
	errCode := ErrBadVar
	if strings.HasPrefix(arg, "retval") {
		if ps.flags&tpargFlReturn == 0 {
			ps.log.err(ps.offset, ErrRetvalOnProbe)
			return kprobe.EINVAL
		}
		if !ps.ctx.BTFArgs {
			// Without BTF support the rest of the word is not looked at.
			code[*pc] = FetchInsn{Op: FetchOpRetval}
			return 0
		}
		return ps.parseBTFArg(orig, code, pc)
	}
	if strings.HasPrefix(arg, "stack") {
		rest := arg[len("stack"):]
		if rest == "" {
			code[*pc] = FetchInsn{Op: FetchOpStackP}
			return 0
		}
		if isDigit(rest[0]) {
			v, e := kstrtoul(rest, 10)
			if e != 0 {
				ps.log.err(ps.offset, errCode)
				return kprobe.EINVAL
			}
			if v > paramMaxStack {
				ps.log.err(ps.offset, ErrBadStackNum)
				return kprobe.EINVAL
			}
			code[*pc] = FetchInsn{Op: FetchOpStack, Param: uint(v)}
			return 0
		}
		ps.log.err(ps.offset, errCode)
		return kprobe.EINVAL
	}
	if arg == "comm" || arg == "COMM" {
		code[*pc] = FetchInsn{Op: FetchOpComm}
		return 0
	}
	// arm64 has CONFIG_HAVE_FUNCTION_ARG_ACCESS_API.
	if strings.HasPrefix(arg, "arg") {
		v, e := kstrtoul(arg[len("arg"):], 10)
		if e != 0 {
			ps.log.err(ps.offset, errCode)
			return kprobe.EINVAL
		}
		if v == 0 || v > paramMaxStack {
			ps.log.err(ps.offset, ErrBadArgNum)
			return kprobe.EINVAL
		}
		n := uint(v - 1) // $argN counts from 1, arguments from 0
		switch {
		case ps.isFunctionEntry():
			code[*pc] = FetchInsn{Op: FetchOpArg, Param: n}
		case ps.isFunctionReturn():
			// The argument is saved at function entry and read back
			// at return (__store_entry_arg).
			code[*pc] = FetchInsn{Op: FetchOpEData, Offset: ps.storeEntryArg(n)}
		default:
			ps.log.err(ps.offset, ErrNofentryArgs)
			return kprobe.EINVAL
		}
		return 0
	}
	ps.log.err(ps.offset, errCode)
	return kprobe.EINVAL
}

// storeEntryArg is __store_entry_arg: the entry program stores each
// distinct argument once, in unsigned-long slots in order of first use;
// it returns the argument's offset in the entry data.
func (ps *parser) storeEntryArg(argnum uint) int {
	p := ps.probe
	if p.EntryArg == nil {
		p.EntryArg = &EntryArg{}
	}
	ea := p.EntryArg
	for i := 0; i+1 < len(ea.Code); i += 2 {
		if ea.Code[i].Param == argnum {
			return ea.Code[i+1].Offset
		}
	}
	offset := 0
	if n := len(ea.Code); n > 0 {
		offset = ea.Code[n-1].Offset + 8
	}
	ea.Code = append(ea.Code,
		FetchInsn{Op: FetchOpArg, Param: argnum},
		FetchInsn{Op: FetchOpStEData, Offset: offset})
	// traceprobe_get_entry_data_size: the last offset plus a long.
	ea.Size = offset + 8
	return offset
}

// parseBTFArg is what parse_btf_arg does when the function has no BTF
// (or, without CONFIG_PROBE_EVENTS_BTF_ARGS, its stub).
func (ps *parser) parseBTFArg(varname string, code []FetchInsn, pc *int) kprobe.Errno {
	if !ps.ctx.BTFArgs {
		ps.log.err(ps.offset, ErrNosupBtfarg)
		return kprobe.EOPNOTSUPP
	}
	// split_next_field: "->" and "." separate fields; a lone '-' is an
	// error.
	field := -1
	isPtr := false
	if i := strings.IndexAny(varname, ".-"); i >= 0 {
		switch {
		case varname[i] == '-' && i+1 < len(varname) && varname[i+1] == '>':
			field, isPtr = i+2, true
		case varname[i] == '.':
			field = i + 1
		default:
			ps.log.err(ps.offset+i, ErrBadHyphen)
			return kprobe.EINVAL
		}
		varname = varname[:i]
	}
	if !isPtr && field >= 0 {
		ps.log.err(ps.offset+field, ErrNosupDatArg)
		return kprobe.EOPNOTSUPP
	}
	if ps.flags&tpargFlReturn != 0 && varname == "$retval" {
		// $retval itself needs no BTF; a field of it does.
		code[*pc] = FetchInsn{Op: FetchOpRetval}
		if field >= 0 {
			ps.log.err(ps.offset+field, ErrNoBtfEntry)
			return kprobe.ENOENT
		}
		return 0
	}
	ps.log.err(ps.offset, ErrNoBtfEntry)
	return kprobe.ENOENT
}

// finalizeFetchInsn is finalize_fetch_insn: the store operation for the
// type, the bitfield modifier, the array loop and FETCH_OP_END. pc is
// the last operation parsed; the index of FETCH_OP_END is returned.
func (ps *parser) finalizeFetchInsn(code []FetchInsn, pc int, parg *Arg, typ *string, typeOffs int) (int, kprobe.Errno) {
	t := parg.Type
	if t.IsString() {
		op := code[pc].Op
		if t.Kind == TypeSymstr {
			if op != FetchOpReg && op != FetchOpStack && op != FetchOpRetval &&
				op != FetchOpArg && op != FetchOpDeref && op != FetchOpTpArg {
				ps.log.err(ps.offset+typeOffs, ErrBadSymstring)
				return 0, kprobe.EINVAL
			}
		} else if op != FetchOpDeref && op != FetchOpUDeref && op != FetchOpImm &&
			op != FetchOpComm && op != FetchOpData && op != FetchOpTpArg {
			ps.log.err(ps.offset+typeOffs, ErrBadString)
			return 0, kprobe.EINVAL
		}
		if t.Kind == TypeSymstr || op == FetchOpImm || op == FetchOpComm ||
			op == FetchOpData || op == FetchOpTpArg || parg.Count != 0 {
			// These point at the data itself (or, for an array, at
			// string pointers): keep the operation and store after it.
			pc++
			if code[pc].Op != FetchOpNop {
				ps.log.err(ps.offset, ErrTooManyOps)
				return 0, kprobe.EINVAL
			}
		}
		// A DEREF/UDEREF left in place becomes the string store.
		off := code[pc].Offset
		switch {
		case t.Kind == TypeUString || code[pc].Op == FetchOpUDeref:
			code[pc] = FetchInsn{Op: FetchOpStUString}
		case t.Kind == TypeSymstr:
			code[pc] = FetchInsn{Op: FetchOpStSymstr}
		default:
			code[pc] = FetchInsn{Op: FetchOpStString}
		}
		code[pc].Offset = off
		code[pc].Size = t.Size
		parg.Dynamic = true
	} else if code[pc].Op == FetchOpDeref {
		code[pc].Op, code[pc].Size = FetchOpStMem, t.Size
	} else if code[pc].Op == FetchOpUDeref {
		code[pc].Op, code[pc].Size = FetchOpStUMem, t.Size
	} else {
		pc++
		if code[pc].Op != FetchOpNop {
			ps.log.err(ps.offset, ErrTooManyOps)
			return 0, kprobe.E2BIG
		}
		code[pc] = FetchInsn{Op: FetchOpStRaw, Size: t.Size}
	}
	scode := code[pc].Op

	if typ != nil {
		if e := parseBitfield(*typ, parg, code, &pc); e != 0 {
			ps.log.err(ps.offset+typeOffs, ErrBadBitfield)
			return 0, e
		}
	}

	if parg.Count != 0 {
		if scode != FetchOpStMem && scode != FetchOpStString && scode != FetchOpStUString {
			ps.log.err(ps.offset+typeOffs, ErrBadString)
			return 0, kprobe.EINVAL
		}
		pc++
		if code[pc].Op != FetchOpNop {
			ps.log.err(ps.offset, ErrTooManyOps)
			return 0, kprobe.E2BIG
		}
		code[pc] = FetchInsn{Op: FetchOpLpArray, Param: uint(parg.Count)}
	}
	pc++
	code[pc] = FetchInsn{Op: FetchOpEnd}
	return pc, 0
}

// parseBitfield is __parse_bitfield_probe_arg: "b<width>@<offset>/..."
// adds FETCH_OP_MOD_BF, which shifts the stored container left then right
// to extract the field.
func parseBitfield(bf string, parg *Arg, code []FetchInsn, pc *int) kprobe.Errno {
	if bf == "" || bf[0] != 'b' {
		return 0
	}
	bw, tail := simpleStrtoul(bf[1:], 0)
	if bw == 0 || tail == "" || tail[0] != '@' {
		return kprobe.EINVAL
	}
	rest := tail[1:]
	bo, tail := simpleStrtoul(rest, 0)
	if len(tail) == len(rest) || tail == "" || tail[0] != '/' {
		return kprobe.EINVAL
	}
	*pc++
	if code[*pc].Op != FetchOpNop {
		return kprobe.EINVAL
	}
	bits := uint64(parg.Type.Size * 8)
	code[*pc] = FetchInsn{Op: FetchOpModBF,
		LShift:   uint8(bits - (bw + bo)),
		RShift:   uint8(bits - bw),
		BaseSize: uint8(parg.Type.Size)}
	// The sum may wrap, as the kernel's unsigned long does.
	if bits < bw+bo {
		return kprobe.EINVAL
	}
	t := *parg.Type
	t.Bitfield, t.BitWidth, t.BitOffset = true, int(bw), int(bo)
	parg.Type = &t
	return 0
}
