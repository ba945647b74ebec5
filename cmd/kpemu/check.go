package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/kprobe"
)

func newCheckCommand(a *app) *cobra.Command {
	var lo loadOptions
	cmd := &cobra.Command{
		Use:   "check FILE... SYM[+OFF]|0xADDR",
		Short: "Would Linux accept a kprobe here? Try it and say why",
		Long: `check loads FILE... and calls register_kprobe for the probe site on a fresh
kprobe subsystem of the chosen kernel profile, exactly as a module would:
address resolution (-ENOENT for an unknown symbol or an address in none),
check_kprobe_address_safe (kernel text, the blacklist), alignment
(-EINVAL), arm_kprobe_decode_insn with the exclusive-sequence scan, and
the XOL slot. It prints accepted or refused, the errno name and the
reason, and the classification: class (INSN_GOOD: out of line,
INSN_GOOD_NO_SLOT: simulated, INSN_REJECTED), the simulate_* handler and
the decoder rule that decided.

Exit code 0 when the probe is accepted, 3 when it is refused.`,
		Example: `  kpemu check testdata/kernel/calls.s chain_b+0x8
  kpemu check testdata/kernel/atomics.s atomic_add_return_llsc+0x8   # inside LL/SC: -EINVAL
  kpemu check testdata/kernel/calls.s chain_b+2                      # misaligned: -EINVAL
  kpemu check --kernel-version v5.4 testdata/kernel/calls.s chain_c  # bti c under v5.4`,
		Args: minArgs(2, "FILE... and a probe site SYM[+OFF] or 0xADDR"),
		RunE: func(cmd *cobra.Command, args []string) error {
			files, spec := args[:len(args)-1], args[len(args)-1]
			loc, err := parseLocation(spec)
			if err != nil {
				return err
			}
			ws, err := a.load(files, lo)
			if err != nil {
				return err
			}
			v := ws.tryKprobe(loc.kprobe())
			if a.json {
				err = writeJSON(cmd.OutOrStdout(), struct {
					Probe         string `json:"probe"`
					KernelVersion string `json:"kernel_version"`
					verdict
				}{spec, a.version.Name, v})
			} else {
				err = writeCheck(cmd.OutOrStdout(), ws, spec, a.version, v)
			}
			if err != nil {
				return err
			}
			if !v.Accepted {
				return &exitError{exitRefused, fmt.Errorf("probe %s refused: register_kprobe: -%s: %s", spec, v.Errno, v.Reason)}
			}
			return nil
		},
	}
	addLoadFlags(cmd, &lo)
	return cmd
}

func writeCheck(w io.Writer, ws *workspace, spec string, ver kprobe.Version, v verdict) error {
	p := func(k, format string, args ...any) {
		fmt.Fprintf(w, "%-9s %s\n", k+":", fmt.Sprintf(format, args...))
	}
	if v.Addr != "" {
		p("probe", "%s at %s %s", spec, v.Addr, v.Sym)
	} else {
		p("probe", "%s", spec)
	}
	p("profile", "%s: %s", ver.Name, steppingText(ver))
	if v.Accepted {
		p("result", "accepted, %s", v.How)
	} else {
		p("result", "refused: -%s", v.Errno)
		p("reason", "%s", v.Reason)
	}
	if v.decoded {
		in, _ := arm64.Decode(v.word)
		p("insn", "%s  %s", v.Insn, insnColumns(arm64.Disasm(in, v.addr, ws.objdumpSym)))
		p("class", "%s: %s", v.Class, classText(v.How))
		if v.Handler != "" {
			p("handler", "%s", v.Handler)
		}
		p("rule", "%s", v.Rule)
	}
	if v.Slot != "" {
		p("slot", "%s", v.Slot)
	}
	return nil
}

// writeJSON writes one indented JSON document.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // "<chain_b>" as the kernel prints it
	return enc.Encode(v)
}
