package main

import (
	"github.com/spf13/cobra"

	"github.com/kpemu/kpemu/emu/symbols"
)

func newSymbolsCommand(a *app) *cobra.Command {
	var lo loadOptions
	var format string
	var hide bool
	cmd := &cobra.Command{
		Use:   "symbols FILE... [--format kallsyms|system.map]",
		Short: "Print the symbol table as /proc/kallsyms or System.map",
		Long: `symbols loads FILE... as run does (.s and objects linked at --base) and
prints the kallsyms model of the result:

  kallsyms     /proc/kallsyms: "address type name" in kallsyms order
               (--hide-addresses prints zeros, as for a reader without
               CAP_SYSLOG)
  system.map   System.map: nm -n order

These are the names and addresses that probe sites, %pS (sym+0xoff/0xsize)
and kprobe_events resolve against.`,
		Example: `  kpemu symbols testdata/kernel/calls.s
  kpemu symbols vmlinux --format system.map > System.map`,
		Args: minArgs(1, "FILE..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "kallsyms" && format != "system.map" {
				return usageErrorf("--format %s: want kallsyms or system.map", format)
			}
			ws, err := a.load(args, lo)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if a.json {
				type sym struct {
					Addr   string `json:"addr"`
					Type   string `json:"type"`
					Name   string `json:"name"`
					Module string `json:"module,omitempty"`
				}
				list := []sym{}
				for s := range ws.syms.All() {
					list = append(list, sym{hex(s.Addr), s.Type.String(), s.Name, s.Module})
				}
				return writeJSON(w, list)
			}
			if format == "system.map" {
				return ws.syms.WriteSystemMap(w)
			}
			return ws.syms.WriteKallsyms(w, &symbols.KallsymsOptions{HideAddresses: hide})
		},
	}
	addLoadFlags(cmd, &lo)
	cmd.Flags().StringVar(&format, "format", "kallsyms", "kallsyms or system.map")
	cmd.Flags().BoolVar(&hide, "hide-addresses", false, "kallsyms: print addresses as zeros (kptr_restrict)")
	return cmd
}
