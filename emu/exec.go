package emu

import (
	"fmt"
	"sync"

	"github.com/kpemu/kpemu/arm64"
)

// An execFn executes one decoded instruction on c. It reads every source
// operand before writing any destination, sets c.pc (c.pc += 4 for all but
// branches), and reports an exception with c.raise (or a helper such as
// c.undefined, or a failed memory access) instead of changing PC: the run
// loop takes it after the executor returns.
type execFn func(c *CPU, in *arm64.Inst)

const execTableSize = arm64.NumOps

// An execDef is how an op executes: one function, or a selector that picks
// a specialised function for the decoded operands once, when the
// instruction enters the decoded-instruction cache. need, when set, names
// the feature the op belongs to: without it the op is UNDEFINED.
type execDef struct {
	fn   execFn
	sel  func(in *arm64.Inst) execFn
	need func(f *Features) bool
}

var execDefs [execTableSize]*execDef

func defineExecDef(op arm64.Op, d *execDef) {
	if execDefs[op] != nil {
		panic(fmt.Sprintf("emu: executor for %v defined twice", op))
	}
	execDefs[op] = d
}

// defineExec registers the executor of op (from an init function of the
// class's exec file).
func defineExec(op arm64.Op, fn execFn) { defineExecDef(op, &execDef{fn: fn}) }

// defineExecSelect registers a selector that returns the executor for a
// decoded instruction (for instance a 32-bit or a 64-bit variant).
func defineExecSelect(op arm64.Op, sel func(in *arm64.Inst) execFn) {
	defineExecDef(op, &execDef{sel: sel})
}

// defineExecFeature registers an executor that exists only with a feature.
func defineExecFeature(op arm64.Op, need func(f *Features) bool, fn execFn) {
	defineExecDef(op, &execDef{fn: fn, need: need})
}

type execTable [execTableSize]*execDef

var (
	execTablesMu sync.Mutex
	execTables   = map[Features]*execTable{}
)

// buildExecTable returns the executors available with features f, shared
// between machines with the same features.
func buildExecTable(f *Features) *execTable {
	execTablesMu.Lock()
	defer execTablesMu.Unlock()
	if t, ok := execTables[*f]; ok {
		return t
	}
	t := new(execTable)
	for op, d := range execDefs {
		if d != nil && (d.need == nil || d.need(f)) {
			t[op] = d
		}
	}
	execTables[*f] = t
	return t
}

// execFor returns the executor of a decoded instruction, nil when the
// machine cannot execute it (then it is UNDEFINED).
func (m *Machine) execFor(in *arm64.Inst) execFn {
	d := m.execTab[in.Op]
	if d == nil {
		return nil
	}
	if d.sel != nil {
		return d.sel(in)
	}
	return d.fn
}

// Executes reports whether the machine executes op (it decodes and is
// implemented with the machine's features).
func (m *Machine) Executes(op arm64.Op) bool { return m.execTab[op] != nil }

// execUndefined raises the Undefined Instruction exception: for words that
// do not decode, and ops the machine does not execute.
func execUndefined(c *CPU, in *arm64.Inst) { c.undefined() }
