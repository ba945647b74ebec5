package events

import (
	"github.com/kpemu/kpemu/kprobe"
)

// Limits from kernel/trace/trace_probe.h and trace.h (v6.17).
const (
	MaxTraceArgs      = 128       // MAX_TRACE_ARGS
	MaxArgstrLen      = 63        // MAX_ARGSTR_LEN
	MaxArrayLen       = 64        // MAX_ARRAY_LEN
	MaxArgNameLen     = 32        // MAX_ARG_NAME_LEN
	MaxEventNameLen   = 64        // MAX_EVENT_NAME_LEN (trace.h)
	MaxProbeEventSize = 3072      // MAX_PROBE_EVENT_SIZE
	FetchInsnMax      = 16        // FETCH_INSN_MAX
	MaxMaxActive      = 4096      // KRETPROBE_MAXACTIVE_MAX (trace_kprobe.c)
	WriteBufSize      = 4096      // WRITE_BUFSIZE (trace.c): lines are at most WRITE_BUFSIZE - 2 bytes
	DefaultGroup      = "kprobes" // KPROBE_EVENT_SYSTEM
)

// Kind is the kind of a probe: the command letter of its definition.
type Kind int

const (
	Kprobe    Kind = iota // p: a kprobe
	Kretprobe             // r, or p with %return: a kretprobe
)

// Command is one parsed command line of kprobe_events: *Define or *Delete.
type Command interface {
	// String gives the command back in its canonical form.
	String() string
	isCommand()
}

// Define is "p..." or "r...": create a probe event.
type Define struct {
	Probe *Probe
}

// Delete is "-:[GRP/][EVENT] [probe point and args]": delete the probe
// events that match (dyn_event_release, trace_kprobe_match). Without a
// group (Group "" and not GroupGiven) any group matches; an empty Event
// matches every event of the group. Args, when given, must equal the head of the probe's definition
// word for word (trace_kprobe_match_command_head).
type Delete struct {
	Group, Event string
	// GroupGiven is set when the command named a group ("-:GRP/..."),
	// even an empty one, which then matches nothing.
	GroupGiven bool
	Args       []string
}

func (*Define) isCommand() {}
func (*Delete) isCommand() {}

// Probe is a parsed probe definition: struct trace_kprobe's parse-time
// half.
type Probe struct {
	Kind         Kind
	Group, Event string
	// The probe point: a symbol and offset, or an absolute address (the
	// MEMADDR form; IsAddress). "MOD:SYM" sets Module; the kernel keeps
	// the symbol as one string, "MOD:SYM", which readback prints.
	Module, Symbol string
	Offset         uint64
	Addr           uint64
	// MaxActive is the number after 'r' (0 when not given). The kernel
	// keeps it in an int, so values from 2^31 on are negative. Readback
	// prints it for return probes when it is not 0.
	MaxActive int
	// FuncEntry is true when a kprobe's point is a function entry
	// (TPARG_FL_FENTRY); $argN is fetched from the registers then.
	// Return probes on a symbol may use $argN too, through EntryArg.
	FuncEntry bool
	Args      []*Arg
	// EntryArg is the program a return probe runs at function entry to
	// save $argN values for its return-time fetches (struct
	// probe_entry_arg, store_trace_entry_data); nil when none.
	EntryArg *EntryArg
	// Size is the size of the argument area of the trace record
	// (trace_probe.size).
	Size int
	// Argv is the command split into words as argv_split does; Command is
	// them joined by single spaces, as error_log shows a command.
	Argv    []string
	Command string
}

// EntryArg is struct probe_entry_arg: the code that stores entry data
// (FETCH_OP_ARG then FETCH_OP_ST_EDATA per saved argument) and the size
// of the data.
type EntryArg struct {
	Code []FetchInsn
	Size int
}

// Arg is struct probe_arg: one fetch argument of a probe.
type Arg struct {
	Name string // the field name: NAME=, or argN (N counts from 1)
	// Comment is the argument's text after NAME= (probe_arg.comm), as
	// readback prints it and a delete command compares it; for :%pd and
	// :%pD it is the expansion.
	Comment string
	Type    *Type
	Code    []FetchInsn
	// Offset is the argument's offset in the record's argument area.
	Offset int
	// Count is the array length (0 when not an array).
	Count int
	// Dynamic is true when the field is a __data_loc (strings).
	Dynamic bool
	// Fmt is probe_arg.fmt: the field type of an array argument in the
	// event's format file, "<Type.FmtType>[<Count>]" ("u32[4]"); empty
	// for other arguments.
	Fmt string
}

// TypeKind classifies a fetch type by how it is stored and printed.
type TypeKind int

const (
	TypeInt     TypeKind = iota // u*, s*, x*, and bitfields: an integer of Size bytes
	TypeChar                    // char: 'c'
	TypeString                  // string: kernel string, __data_loc
	TypeUString                 // ustring: user string, __data_loc
	TypeSymbol                  // symbol: u64 printed with %pS
	TypeSymstr                  // symstr: "sym+off/size" stored as a string
)

// Type is struct fetch_type plus the array and bitfield decorations the
// argument's type string carried.
type Type struct {
	Name   string // the name in the probe_fetch_types table: "u32", "x64", "string", ...
	Kind   TypeKind
	Size   int // bytes of one element in the record (4 for __data_loc strings)
	Signed bool
	Hex    bool // x8..x64 and symbol: printed in hex
	// Fmt is the kernel's print format (PRINT_TYPE_FMT_NAME): "%u", "%Lu",
	// "%d", "%Ld", "0x%x", "0x%Lx", "'%c'", "%pS", and for the string
	// types the escaped \"%s\" of the event's print fmt (a string prints
	// as "..." or (fault)).
	Fmt     string
	FmtType string // the type in the event's format file: "u32", "__data_loc char[]", "u64"
	// Bitfield: b<BitWidth>@<BitOffset>/<container bits>; Name is then the
	// container's u type.
	Bitfield            bool
	BitWidth, BitOffset int
}

// FetchOp is enum fetch_op (kernel/trace/trace_probe.h), in its order.
// The comments say what process_fetch_insn and process_fetch_insn_bottom
// (kernel/trace/trace_kprobe.c, trace_probe_tmpl.h) do with each.
type FetchOp int

const (
	FetchOpNop FetchOp = iota
	// Stage 1: load the value.
	FetchOpReg    // regs_get_register: Param = pt_regs u64 slot (x0..x30, lr 30, sp 31, pc 32, pstate 33)
	FetchOpStack  // $stackN: regs_get_kernel_stack_nth(regs, Param)
	FetchOpStackP // $stack: kernel_stack_pointer (SP)
	FetchOpRetval // $retval: regs_return_value (x0)
	FetchOpImm    // Immediate (\IMM, @ADDR, or @SYM once UpdateArg resolved it)
	FetchOpComm   // $comm: current->comm (a string)
	FetchOpArg    // $argN: regs_get_kernel_argument(regs, Param), Param = N-1 (x0..x7, 0 beyond)
	FetchOpFOffs  // file offset (uprobes only)
	FetchOpData   // immediate string \"...": Data
	FetchOpEData  // $argN in a return probe: the unsigned long at Offset in the entry data
	// Stage 2: dereference, any number of times.
	FetchOpDeref  // value = the unsigned long of kernel memory at value+Offset
	FetchOpUDeref // the same from user memory
	// Stage 3: store into the record.
	FetchOpStRaw     // the value itself, Size bytes
	FetchOpStMem     // Size bytes of kernel memory at value+Offset
	FetchOpStUMem    // Size bytes of user memory at value+Offset
	FetchOpStString  // the kernel string at value+Offset, as __data_loc (IMM, COMM and DATA: the string itself)
	FetchOpStUString // the user string at value+Offset, as __data_loc
	FetchOpStSymstr  // the value printed as %pS-style "sym+off/size", as __data_loc
	FetchOpStEData   // entry program only: the value into the entry data at Offset
	// Stage 4: modify what was stored.
	FetchOpModBF // bitfield: the BaseSize-byte store shifted left by LShift, then right by RShift
	// Stage 5: loop.
	FetchOpLpArray // arrays: Param elements; memory stores advance by Size, string stores by a pointer
	FetchOpTpArg   // tracepoint field (event probes only)
	FetchOpEnd
	FetchNopSymbol // @SYM[+|-OFFS] as written (Data), skipped when run; UpdateArg fills the FetchOpImm after it
)

// FetchInsn is struct fetch_insn: one step of a fetch program.
type FetchInsn struct {
	Op     FetchOp
	Param  uint
	Size   int
	Offset int
	// Bitfield modifier.
	BaseSize, LShift, RShift uint8
	Immediate                uint64
	// Data is the immediate string of FetchOpData or the symbol name of
	// FetchNopSymbol.
	Data string
}

// Context gives Parse what it must ask the machine. A nil *Context, or
// nil functions, check syntax only (see the package documentation).
type Context struct {
	// ModuleLoaded is find_module + try_module_get: whether module name is
	// loaded. A probe on MOD:SYM of a module that is not loaded is
	// accepted unchecked (it is registered when the module arrives).
	// nil: every module is loaded.
	ModuleLoaded func(name string) bool
	// CountSymbols is number_of_same_symbols: how many kallsyms entries
	// are called name, in the kernel and all modules when mod is "", in
	// module mod otherwise. 0 makes the kernel reject the probe
	// (BAD_PROBE_ADDR), more than one too (NON_UNIQ_SYMBOL, "use an
	// address"). nil: every symbol exists once.
	CountSymbols func(mod, name string) int
	// OnFuncEntry is kprobe_on_func_entry(addr, sym, offset) (sym may be
	// "MOD:SYM"): nil when the location is a function entry, an error
	// wrapping kprobe.ENOENT when the symbol is unknown, kprobe.EINVAL
	// when it is not an entry. nil: the arm64 rule for a known symbol,
	// an entry exactly when offset is 0 (arm64 has no
	// arch_adjust_kprobe_addr).
	OnFuncEntry func(addr uint64, sym string, offset uint64) error
	// HashPointer is what %p prints for a pointer (the kernel hashes it
	// with a boot-time key unless no_hash_pointers is given; the hash has
	// its upper 32 bits clear and is printed as 16 hex digits). It names
	// address probes (p_0x<hash>). nil prints the address itself, as
	// no_hash_pointers does.
	HashPointer func(addr uint64) uint64
	// BTFArgs is CONFIG_PROBE_EVENTS_BTF_ARGS. The model has no BTF, so
	// with it BTF arguments fail as on a kernel that has the option but
	// no BTF for the function (NO_BTF_ENTRY, -ENOENT), and an argument
	// written as a bare identifier is named after itself; without it
	// they fail with NOSUP_BTFARG (-kprobe.EOPNOTSUPP).
	BTFArgs bool
	// DentryNameOffset and FileDentryOffset are offsetof(struct dentry,
	// d_name.name) and offsetof(struct file, f_path.dentry), which the
	// :%pd and :%pD types expand into (traceprobe_expand_dentry_args).
	// 0 means the v6.17 arm64 values without debug options, 0x28 and
	// 0x48.
	DentryNameOffset, FileDentryOffset uint64
}

// Error is a rejected command: the errno write(2) returns and, when the
// kernel logs it, the error_log entry (trace_probe_log_err).
type Error struct {
	Errno kprobe.Errno
	// Code is the kernel's TP_ERR_ name; "" when the kernel returns the
	// errno without an error_log entry.
	Code ErrCode
	Msg  string // Code's message, as error_log prints it
	// Command is the command as error_log shows it (the words joined by
	// single spaces) and Pos the caret position in it.
	Command string
	Pos     int
	// Earlier holds the entries the same command logged before the final
	// one (the kernel logs, for example, NOSUP_BTFARG for "$arg*" and
	// then goes on to fail on the argument itself).
	Earlier []LogEntry
}

// ErrCode is a TP_ERR_ name from the ERRORS list of trace_probe.h.
type ErrCode string

// Parse parses one command line written to kprobe_events (one line of
// SplitLines) as create_or_delete_trace_kprobe does, up to registration:
// a *Define or a *Delete, (nil, nil) for a line with no words, or an
// *Error. A line that starts with '-' is a delete; any other is split into
// words and must start with 'p' or 'r' (else -EINVAL, not logged, as
// -ECANCELED from trace_kprobe_create becomes).
func Parse(cmd string, ctx *Context) (Command, error) {
	return parse(cmd, ctx)
}

// Line is one command of a write to kprobe_events: the text with the
// comment removed, and the offset of the line's first byte in the write.
// A line the kernel cannot read (longer than WRITE_BUFSIZE - 2 bytes, or
// cut by a NUL byte) comes last, with Err set: the write fails there with
// -EINVAL, after the lines before it have been run.
type Line struct {
	Text   string
	Offset int
	Err    error
}

// SplitLines splits a write to kprobe_events into command lines as
// trace_parse_run_command does: lines end at '\n' and '#' starts a
// comment. Lines with nothing but white space (and comments) are left
// out: the kernel runs them, to no effect. The white space around a
// command is kept, because it matters ("  -:ev" is not a delete, see
// Parse).
func SplitLines(data string) []Line {
	return splitLines(data)
}
