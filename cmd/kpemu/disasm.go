package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/arm64/obj"
)

func newDisasmCommand(a *app) *cobra.Command {
	var lo loadOptions
	var symName string
	cmd := &cobra.Command{
		Use:   "disasm FILE... [--sym NAME]",
		Short: "Disassemble, with whether Linux would accept a kprobe at each instruction",
		Long: `disasm prints the executable sections of FILE... as objdump -d does (GNU
syntax, branch targets as <sym+0xoff>), one function after another, and
for each instruction what register_kprobe does there under the chosen
kernel profile:

  xol        accepted; the instruction runs out of line from an XOL slot
  simulate   accepted; the instruction is simulated (simulate_* handler named)
  reject     refused; the errno and the reason follow

The verdict is not a guess from the opcode: each instruction is registered
as a kprobe on the workspace's kprobe subsystem and unregistered again, so
every registration check applies (kernel text and blacklist, alignment,
arm_kprobe_decode_insn with the exclusive-sequence scan, the slot). Only
text symbols (T/t) are disassembled; --sym limits the output to one.`,
		Example: `  kpemu disasm testdata/kernel/calls.s
  kpemu disasm testdata/kernel/atomics.s --sym atomic_add_return_llsc
  kpemu disasm --kernel-version v5.4 testdata/kernel/calls.s --sym chain_c
  kpemu disasm --json testdata/kernel/calls.s --sym chain_c`,
		Args: minArgs(1, "FILE..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := a.load(args, lo)
			if err != nil {
				return err
			}
			fns, err := ws.disassemble(symName)
			if err != nil {
				return err
			}
			if a.json {
				return writeJSON(cmd.OutOrStdout(), struct {
					Files         []string   `json:"files"`
					KernelVersion string     `json:"kernel_version"`
					Functions     []function `json:"functions"`
				}{args, a.version.Name, fns})
			}
			return writeDisasm(cmd.OutOrStdout(), args, a.version.Name, fns)
		},
	}
	addLoadFlags(cmd, &lo)
	cmd.Flags().StringVar(&symName, "sym", "", "disassemble only this function")
	return cmd
}

// function is one disassembled symbol.
type function struct {
	Name    string `json:"name"`
	Addr    string `json:"addr"`
	Section string `json:"section"`
	Insns   []insn `json:"insns"`
}

// insn is one instruction with its kprobe verdict.
type insn struct {
	Addr   string  `json:"addr"`
	Word   string  `json:"word"`
	Text   string  `json:"text"`
	Kprobe verdict `json:"kprobe"`
}

// disassemble walks the text symbols of the executable sections (or the
// one named) and classifies each instruction.
func (ws *workspace) disassemble(only string) ([]function, error) {
	var fns []function
	found := false
	for _, sec := range ws.loaded.Image.Sections {
		if sec.Flags&obj.SecExec == 0 || sec.NoBits {
			continue
		}
		var prev uint64
		first := true
		for s := range ws.syms.Range(sec.Addr, sec.Addr+sec.Size) {
			if !s.Type.Text() || (!first && s.Addr == prev) {
				continue // data in text, or an alias: objdump names an address once
			}
			first, prev = false, s.Addr
			if only != "" && s.Name != only {
				continue
			}
			found = true
			loc, _ := ws.syms.LookupAddr(s.Addr)
			end := min(s.Addr+loc.Size, sec.Addr+sec.Size)
			fn := function{Name: s.Name, Addr: fmt.Sprintf("%#x", s.Addr), Section: sec.Name}
			for addr := s.Addr; addr+4 <= end; addr += 4 {
				fn.Insns = append(fn.Insns, ws.disasmOne(addr))
			}
			fns = append(fns, fn)
		}
	}
	if only != "" && !found {
		if _, ok := ws.syms.LookupName(only); ok {
			return nil, usageErrorf("%s is not a function in an executable section of %s", only, ws.filesText())
		}
		return nil, usageErrorf("unknown symbol %q: not defined in %s", only, ws.filesText())
	}
	return fns, nil
}

func (ws *workspace) disasmOne(addr uint64) insn {
	word, err := ws.m.Memory().ReadU32(addr)
	if err != nil {
		return insn{Addr: fmt.Sprintf("%#x", addr), Text: "(unreadable)",
			Kprobe: verdict{How: "reject", Reason: err.Error()}}
	}
	in, _ := arm64.Decode(word) // an undefined word prints as .inst
	kp := location{addr: addr}.kprobe()
	return insn{
		Addr:   fmt.Sprintf("%#x", addr),
		Word:   fmt.Sprintf("%08x", word),
		Text:   arm64.Disasm(in, addr, ws.objdumpSym),
		Kprobe: ws.tryKprobe(kp),
	}
}

func writeDisasm(w io.Writer, files []string, ver string, fns []function) error {
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = filepath.Base(f)
	}
	fmt.Fprintf(w, "%s:     kprobe column: register_kprobe tried at each instruction, kernel %s\n", strings.Join(names, " "), ver)
	section := ""
	for _, fn := range fns {
		if fn.Section != section {
			section = fn.Section
			fmt.Fprintf(w, "\nDisassembly of section %s:\n", section)
		}
		fmt.Fprintf(w, "\n%016s <%s>:\n", strings.TrimPrefix(fn.Addr, "0x"), fn.Name)
		for _, in := range fn.Insns {
			fmt.Fprintf(w, "%16s:\t%s \t%-34s %s\n", strings.TrimPrefix(in.Addr, "0x"), in.Word, insnColumns(in.Text), verdictColumn(in.Kprobe))
		}
	}
	return nil
}

// verdictColumn is the kprobe column of a disassembly line.
func verdictColumn(v verdict) string {
	switch v.How {
	case "xol":
		return "// kprobe: xol"
	case "simulate":
		return "// kprobe: simulate " + v.Handler
	}
	reason := v.Reason
	if v.Rule != "" {
		reason = v.Rule
	}
	return fmt.Sprintf("// kprobe: reject -%s %s", v.Errno, reason)
}

// insnColumns lays out objdump's "mnemonic<TAB>operands" in fixed columns.
func insnColumns(s string) string {
	if m, ops, ok := strings.Cut(s, "\t"); ok {
		return fmt.Sprintf("%-7s %s", m, ops)
	}
	return s
}
