package events

import (
	"fmt"
	"strings"

	"github.com/kpemu/kpemu/kprobe"
)

// The ERRORS list of kernel/trace/trace_probe.h: each TP_ERR_ name with
// the text error_log prints for it. The uprobe-, eprobe- and BTF-only
// entries are listed too, so that every message the probe events share is
// here, but only the kprobe paths produce them.
const (
	ErrFileNotFound    ErrCode = "FILE_NOT_FOUND"
	ErrNoRegularFile   ErrCode = "NO_REGULAR_FILE"
	ErrBadRefcnt       ErrCode = "BAD_REFCNT"
	ErrRefcntOpenBrace ErrCode = "REFCNT_OPEN_BRACE"
	ErrBadRefcntSuffix ErrCode = "BAD_REFCNT_SUFFIX"
	ErrBadUprobeOffs   ErrCode = "BAD_UPROBE_OFFS"
	ErrBadMaxactType   ErrCode = "BAD_MAXACT_TYPE"
	ErrBadMaxact       ErrCode = "BAD_MAXACT"
	ErrMaxactTooBig    ErrCode = "MAXACT_TOO_BIG"
	ErrBadProbeAddr    ErrCode = "BAD_PROBE_ADDR"
	ErrNonUniqSymbol   ErrCode = "NON_UNIQ_SYMBOL"
	ErrBadRetprobe     ErrCode = "BAD_RETPROBE"
	ErrNoTracepoint    ErrCode = "NO_TRACEPOINT"
	ErrBadTpName       ErrCode = "BAD_TP_NAME"
	ErrBadAddrSuffix   ErrCode = "BAD_ADDR_SUFFIX"
	ErrNoGroupName     ErrCode = "NO_GROUP_NAME"
	ErrGroupTooLong    ErrCode = "GROUP_TOO_LONG"
	ErrBadGroupName    ErrCode = "BAD_GROUP_NAME"
	ErrNoEventName     ErrCode = "NO_EVENT_NAME"
	ErrEventTooLong    ErrCode = "EVENT_TOO_LONG"
	ErrBadEventName    ErrCode = "BAD_EVENT_NAME"
	ErrEventExist      ErrCode = "EVENT_EXIST"
	ErrRetvalOnProbe   ErrCode = "RETVAL_ON_PROBE"
	ErrNoRetval        ErrCode = "NO_RETVAL"
	ErrBadStackNum     ErrCode = "BAD_STACK_NUM"
	ErrBadArgNum       ErrCode = "BAD_ARG_NUM"
	ErrBadVar          ErrCode = "BAD_VAR"
	ErrBadRegName      ErrCode = "BAD_REG_NAME"
	ErrBadMemAddr      ErrCode = "BAD_MEM_ADDR"
	ErrBadImm          ErrCode = "BAD_IMM"
	ErrImmstrNoClose   ErrCode = "IMMSTR_NO_CLOSE"
	ErrFileOnKprobe    ErrCode = "FILE_ON_KPROBE"
	ErrBadFileOffs     ErrCode = "BAD_FILE_OFFS"
	ErrSymOnUprobe     ErrCode = "SYM_ON_UPROBE"
	ErrTooManyOps      ErrCode = "TOO_MANY_OPS"
	ErrDerefNeedBrace  ErrCode = "DEREF_NEED_BRACE"
	ErrBadDerefOffs    ErrCode = "BAD_DEREF_OFFS"
	ErrDerefOpenBrace  ErrCode = "DEREF_OPEN_BRACE"
	ErrCommCantDeref   ErrCode = "COMM_CANT_DEREF"
	ErrBadFetchArg     ErrCode = "BAD_FETCH_ARG"
	ErrArrayNoClose    ErrCode = "ARRAY_NO_CLOSE"
	ErrBadArraySuffix  ErrCode = "BAD_ARRAY_SUFFIX"
	ErrBadArrayNum     ErrCode = "BAD_ARRAY_NUM"
	ErrArrayTooBig     ErrCode = "ARRAY_TOO_BIG"
	ErrBadType         ErrCode = "BAD_TYPE"
	ErrBadString       ErrCode = "BAD_STRING"
	ErrBadSymstring    ErrCode = "BAD_SYMSTRING"
	ErrBadBitfield     ErrCode = "BAD_BITFIELD"
	ErrArgNameTooLong  ErrCode = "ARG_NAME_TOO_LONG"
	ErrNoArgName       ErrCode = "NO_ARG_NAME"
	ErrBadArgName      ErrCode = "BAD_ARG_NAME"
	ErrUsedArgName     ErrCode = "USED_ARG_NAME"
	ErrArgTooLong      ErrCode = "ARG_TOO_LONG"
	ErrNoArgBody       ErrCode = "NO_ARG_BODY"
	ErrBadInsnBndry    ErrCode = "BAD_INSN_BNDRY"
	ErrFailRegProbe    ErrCode = "FAIL_REG_PROBE"
	ErrDiffProbeType   ErrCode = "DIFF_PROBE_TYPE"
	ErrDiffArgType     ErrCode = "DIFF_ARG_TYPE"
	ErrSameProbe       ErrCode = "SAME_PROBE"
	ErrNoEventInfo     ErrCode = "NO_EVENT_INFO"
	ErrBadAttachEvent  ErrCode = "BAD_ATTACH_EVENT"
	ErrBadAttachArg    ErrCode = "BAD_ATTACH_ARG"
	ErrNoEpFilter      ErrCode = "NO_EP_FILTER"
	ErrNosupBtfarg     ErrCode = "NOSUP_BTFARG"
	ErrNoBtfarg        ErrCode = "NO_BTFARG"
	ErrNoBtfEntry      ErrCode = "NO_BTF_ENTRY"
	ErrBadVarArgs      ErrCode = "BAD_VAR_ARGS"
	ErrNofentryArgs    ErrCode = "NOFENTRY_ARGS"
	ErrDoubleArgs      ErrCode = "DOUBLE_ARGS"
	ErrArgs2Long       ErrCode = "ARGS_2LONG"
	ErrArgidx2Big      ErrCode = "ARGIDX_2BIG"
	ErrNoPtrStrct      ErrCode = "NO_PTR_STRCT"
	ErrNosupDatArg     ErrCode = "NOSUP_DAT_ARG"
	ErrBadHyphen       ErrCode = "BAD_HYPHEN"
	ErrNoBtfField      ErrCode = "NO_BTF_FIELD"
	ErrBadBtfTid       ErrCode = "BAD_BTF_TID"
	ErrBadType4Str     ErrCode = "BAD_TYPE4STR"
	ErrNeedStringType  ErrCode = "NEED_STRING_TYPE"
	ErrTooManyArgs     ErrCode = "TOO_MANY_ARGS"
	ErrTooManyEargs    ErrCode = "TOO_MANY_EARGS"
	ErrEventTooBig     ErrCode = "EVENT_TOO_BIG"
)

var errText = map[ErrCode]string{
	ErrFileNotFound:    "Failed to find the given file",
	ErrNoRegularFile:   "Not a regular file",
	ErrBadRefcnt:       "Invalid reference counter offset",
	ErrRefcntOpenBrace: "Reference counter brace is not closed",
	ErrBadRefcntSuffix: "Reference counter has wrong suffix",
	ErrBadUprobeOffs:   "Invalid uprobe offset",
	ErrBadMaxactType:   "Maxactive is only for function exit",
	ErrBadMaxact:       "Invalid maxactive number",
	ErrMaxactTooBig:    "Maxactive is too big",
	ErrBadProbeAddr:    "Invalid probed address or symbol",
	ErrNonUniqSymbol:   "The symbol is not unique",
	ErrBadRetprobe:     "Retprobe address must be an function entry",
	ErrNoTracepoint:    "Tracepoint is not found",
	ErrBadTpName:       "Invalid character in tracepoint name",
	ErrBadAddrSuffix:   "Invalid probed address suffix",
	ErrNoGroupName:     "Group name is not specified",
	ErrGroupTooLong:    "Group name is too long",
	ErrBadGroupName:    "Group name must follow the same rules as C identifiers",
	ErrNoEventName:     "Event name is not specified",
	ErrEventTooLong:    "Event name is too long",
	ErrBadEventName:    "Event name must follow the same rules as C identifiers",
	ErrEventExist:      "Given group/event name is already used by another event",
	ErrRetvalOnProbe:   "$retval is not available on probe",
	ErrNoRetval:        "This function returns 'void' type",
	ErrBadStackNum:     "Invalid stack number",
	ErrBadArgNum:       "Invalid argument number",
	ErrBadVar:          "Invalid $-valiable specified",
	ErrBadRegName:      "Invalid register name",
	ErrBadMemAddr:      "Invalid memory address",
	ErrBadImm:          "Invalid immediate value",
	ErrImmstrNoClose:   "String is not closed with '\"'",
	ErrFileOnKprobe:    "File offset is not available with kprobe",
	ErrBadFileOffs:     "Invalid file offset value",
	ErrSymOnUprobe:     "Symbol is not available with uprobe",
	ErrTooManyOps:      "Dereference is too much nested",
	ErrDerefNeedBrace:  "Dereference needs a brace",
	ErrBadDerefOffs:    "Invalid dereference offset",
	ErrDerefOpenBrace:  "Dereference brace is not closed",
	ErrCommCantDeref:   "$comm can not be dereferenced",
	ErrBadFetchArg:     "Invalid fetch argument",
	ErrArrayNoClose:    "Array is not closed",
	ErrBadArraySuffix:  "Array has wrong suffix",
	ErrBadArrayNum:     "Invalid array size",
	ErrArrayTooBig:     "Array number is too big",
	ErrBadType:         "Unknown type is specified",
	ErrBadString:       "String accepts only memory argument",
	ErrBadSymstring:    "Symbol String doesn't accept data/userdata",
	ErrBadBitfield:     "Invalid bitfield",
	ErrArgNameTooLong:  "Argument name is too long",
	ErrNoArgName:       "Argument name is not specified",
	ErrBadArgName:      "Argument name must follow the same rules as C identifiers",
	ErrUsedArgName:     "This argument name is already used",
	ErrArgTooLong:      "Argument expression is too long",
	ErrNoArgBody:       "No argument expression",
	ErrBadInsnBndry:    "Probe point is not an instruction boundary",
	ErrFailRegProbe:    "Failed to register probe event",
	ErrDiffProbeType:   "Probe type is different from existing probe",
	ErrDiffArgType:     "Argument type or name is different from existing probe",
	ErrSameProbe:       "There is already the exact same probe event",
	ErrNoEventInfo:     "This requires both group and event name to attach",
	ErrBadAttachEvent:  "Attached event does not exist",
	ErrBadAttachArg:    "Attached event does not have this field",
	ErrNoEpFilter:      "No filter rule after 'if'",
	ErrNosupBtfarg:     "BTF is not available or not supported",
	ErrNoBtfarg:        "This variable is not found at this probe point",
	ErrNoBtfEntry:      "No BTF entry for this probe point",
	ErrBadVarArgs:      "$arg* must be an independent parameter without name etc.",
	ErrNofentryArgs:    "$arg* can be used only on function entry or exit",
	ErrDoubleArgs:      "$arg* can be used only once in the parameters",
	ErrArgs2Long:       "$arg* failed because the argument list is too long",
	ErrArgidx2Big:      "$argN index is too big",
	ErrNoPtrStrct:      "This is not a pointer to union/structure.",
	ErrNosupDatArg:     "Non pointer structure/union argument is not supported.",
	ErrBadHyphen:       "Failed to parse single hyphen. Forgot '>'?",
	ErrNoBtfField:      "This field is not found.",
	ErrBadBtfTid:       "Failed to get BTF type info.",
	ErrBadType4Str:     "This type does not fit for string.",
	ErrNeedStringType:  "$comm and immediate-string only accepts string type",
	ErrTooManyArgs:     "Too many arguments are specified",
	ErrTooManyEargs:    "Too many entry arguments specified",
	ErrEventTooBig:     "Event too big (too many fields?)",
}

// Msg is the code's message, as error_log prints it.
func (c ErrCode) Msg() string { return errText[c] }

// ErrCodes lists every code of the ERRORS list in the kernel's order.
func ErrCodes() []ErrCode {
	return []ErrCode{
		ErrFileNotFound, ErrNoRegularFile, ErrBadRefcnt, ErrRefcntOpenBrace,
		ErrBadRefcntSuffix, ErrBadUprobeOffs, ErrBadMaxactType, ErrBadMaxact,
		ErrMaxactTooBig, ErrBadProbeAddr, ErrNonUniqSymbol, ErrBadRetprobe,
		ErrNoTracepoint, ErrBadTpName, ErrBadAddrSuffix, ErrNoGroupName,
		ErrGroupTooLong, ErrBadGroupName, ErrNoEventName, ErrEventTooLong,
		ErrBadEventName, ErrEventExist, ErrRetvalOnProbe, ErrNoRetval,
		ErrBadStackNum, ErrBadArgNum, ErrBadVar, ErrBadRegName, ErrBadMemAddr,
		ErrBadImm, ErrImmstrNoClose, ErrFileOnKprobe, ErrBadFileOffs,
		ErrSymOnUprobe, ErrTooManyOps, ErrDerefNeedBrace, ErrBadDerefOffs,
		ErrDerefOpenBrace, ErrCommCantDeref, ErrBadFetchArg, ErrArrayNoClose,
		ErrBadArraySuffix, ErrBadArrayNum, ErrArrayTooBig, ErrBadType,
		ErrBadString, ErrBadSymstring, ErrBadBitfield, ErrArgNameTooLong,
		ErrNoArgName, ErrBadArgName, ErrUsedArgName, ErrArgTooLong,
		ErrNoArgBody, ErrBadInsnBndry, ErrFailRegProbe, ErrDiffProbeType,
		ErrDiffArgType, ErrSameProbe, ErrNoEventInfo, ErrBadAttachEvent,
		ErrBadAttachArg, ErrNoEpFilter, ErrNosupBtfarg, ErrNoBtfarg,
		ErrNoBtfEntry, ErrBadVarArgs, ErrNofentryArgs, ErrDoubleArgs,
		ErrArgs2Long, ErrArgidx2Big, ErrNoPtrStrct, ErrNosupDatArg,
		ErrBadHyphen, ErrNoBtfField, ErrBadBtfTid, ErrBadType4Str,
		ErrNeedStringType, ErrTooManyArgs, ErrTooManyEargs, ErrEventTooBig,
	}
}

// LogEntry is one error_log entry a command produced: the code, its
// message and the caret position in the command.
type LogEntry struct {
	Code ErrCode
	Msg  string
	Pos  int
}

// ErrorLogPrefix is what error_log prints before the command
// (CMD_PREFIX in kernel/trace/trace.c); the caret line is indented by its
// length plus the position.
const ErrorLogPrefix = "  Command: "

// LogLoc is the location the kprobe events log their errors under
// (trace_probe_log_init("trace_kprobe", ...)).
const LogLoc = "trace_kprobe"

func (e *Error) Error() string {
	if e.Code == "" {
		return fmt.Sprintf("kprobe_events: -%s", e.Errno.Error())
	}
	return fmt.Sprintf("kprobe_events: -%s: %s: %s (at %d in %q)", e.Errno.Error(), e.Code, e.Msg, e.Pos, e.Command)
}

// Unwrap gives the errno, so errors.Is(err, kprobe.EINVAL) works.
func (e *Error) Unwrap() error { return e.Errno }

// Entries gives the error_log entries of the command, oldest first:
// Earlier, then the final one (none when Code is "").
func (e *Error) Entries() []LogEntry {
	out := append([]LogEntry(nil), e.Earlier...)
	if e.Code != "" {
		out = append(out, LogEntry{Code: e.Code, Msg: e.Msg, Pos: e.Pos})
	}
	return out
}

// ErrorLog renders the command's error_log entries as
// tracing_err_log_seq_show prints them, without the "[seconds.micros] "
// timestamp each entry starts with.
func (e *Error) ErrorLog() string {
	var b strings.Builder
	for _, en := range e.Entries() {
		b.WriteString(FormatLogEntry(LogLoc, e.Command, en))
	}
	return b.String()
}

// FormatLogEntry renders one error_log entry (without the timestamp):
// "<loc>: error: <msg>\n  Command: <cmd>\n<spaces>^\n".
func FormatLogEntry(loc, command string, en LogEntry) string {
	return fmt.Sprintf("%s: error: %s\n%s%s\n%s^\n", loc, en.Msg, ErrorLogPrefix, command,
		strings.Repeat(" ", len(ErrorLogPrefix)+en.Pos))
}

// probeLog is struct trace_probe_log: the words of the command being
// parsed, the word being looked at (trace_probe_log_set_index) and the
// entries logged so far.
type probeLog struct {
	argv    []string
	index   int
	entries []LogEntry
}

// err is __trace_probe_log_err: the position is the start of the current
// word plus offset, or one past the end of the command when the index is
// past the last word.
func (l *probeLog) err(offset int, code ErrCode) {
	pos, n := 0, 0
	for i, a := range l.argv {
		if i == l.index {
			pos = n
		}
		n += len(a) + 1
	}
	if l.index >= len(l.argv) {
		pos, offset = n, 0
	}
	l.entries = append(l.entries, LogEntry{Code: code, Msg: code.Msg(), Pos: pos + offset})
}

func (l *probeLog) command() string { return strings.Join(l.argv, " ") }

// fail makes the *Error for errno with what the log holds.
func (l *probeLog) fail(errno kprobe.Errno) *Error {
	e := &Error{Errno: errno, Command: l.command()}
	if n := len(l.entries); n > 0 {
		last := l.entries[n-1]
		e.Code, e.Msg, e.Pos = last.Code, last.Msg, last.Pos
		e.Earlier = l.entries[:n-1]
	}
	return e
}
