package tracefs

import (
	"fmt"
	"strings"

	"github.com/kpemu/kpemu/kprobe/events"
)

// tracingLogErrsMax is TRACING_LOG_ERRS_MAX (kernel/trace/trace.c): the
// error log keeps the last 16 entries.
const tracingLogErrsMax = 16

// cmdPrefix is CMD_PREFIX (trace.c), the label of the command line.
const cmdPrefix = "  Command: "

// errLogEntry is struct tracing_log_err.
type errLogEntry struct {
	ts      uint64 // local_clock() in ns
	loc     string // "trace_kprobe"
	msg     string
	command string
	pos     int
}

// ErrorLogEntry is one entry of error_log.
type ErrorLogEntry struct {
	Time    uint64 // ns of the trace clock when the error was logged
	Loc     string // the subsystem: "trace_kprobe"
	Msg     string
	Command string // the command, its words joined by single spaces
	Pos     int    // the caret's byte offset in Command
}

// ErrorLog returns the error log, oldest first.
func (t *Tracefs) ErrorLog() []ErrorLogEntry {
	out := make([]ErrorLogEntry, len(t.errLog))
	for i, e := range t.errLog {
		out[i] = ErrorLogEntry{Time: e.ts, Loc: e.loc, Msg: e.msg, Command: e.command, Pos: e.pos}
	}
	return out
}

// logErr is tracing_log_err: append an entry, dropping the oldest when
// the log is full.
func (t *Tracefs) logErr(loc, msg, command string, pos int) {
	if len(t.errLog) == tracingLogErrsMax {
		t.errLog = append(t.errLog[:0], t.errLog[1:]...)
	}
	t.errLog = append(t.errLog, errLogEntry{ts: t.clock(0), loc: loc, msg: msg, command: command, pos: pos})
}

// logParseErr logs the entries the kernel writes for a command the
// parser rejected (none for an errno without a TP_ERR_ code).
func (t *Tracefs) logParseErr(e *events.Error) {
	for _, en := range e.Entries() {
		t.logErr("trace_kprobe", en.Msg, e.Command, en.Pos)
	}
}

// logProbeErr is trace_probe_log_set_index(index) then
// trace_probe_log_err(offset, msg) for probe p: the position is the
// offset of word index in the command (each word and its separating
// space counted) plus offset; an index past the last word points after
// the command.
func (t *Tracefs) logProbeErr(p *events.Probe, index, offset int, msg string) {
	argv := p.Argv
	if len(argv) == 0 {
		argv = strings.Fields(p.Command)
	}
	command := strings.Join(argv, " ")
	pos := 0
	if index >= len(argv) {
		pos, offset = len(command)+1, 0
	} else {
		for i := 0; i < index; i++ {
			pos += len(argv[i]) + 1
		}
	}
	t.logErr("trace_kprobe", msg, command, pos+offset)
}

// readErrorLog is tracing_err_log_seq_show for every entry: the
// timestamp as "[%5llu.%06u]", "LOC: error: MSG", the command after
// CMD_PREFIX, and a caret under the position.
func (t *Tracefs) readErrorLog() string {
	var b strings.Builder
	for _, e := range t.errLog {
		fmt.Fprintf(&b, "[%5d.%06d] %s: error: %s\n", e.ts/1e9, e.ts%1e9/1e3, e.loc, e.msg)
		b.WriteString(cmdPrefix)
		b.WriteString(e.command)
		b.WriteByte('\n')
		b.WriteString(strings.Repeat(" ", len(cmdPrefix)+e.pos))
		b.WriteString("^\n")
	}
	return b.String()
}

// ClearErrorLog is clear_tracing_err_log (opening error_log for writing
// with O_TRUNC).
func (t *Tracefs) ClearErrorLog() { t.errLog = nil }
