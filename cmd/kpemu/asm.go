package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kpemu/kpemu/arm64/asm"
	"github.com/kpemu/kpemu/arm64/obj"
)

func newAsmCommand(a *app) *cobra.Command {
	var out, format string
	base := hexFlag(0)
	cmd := &cobra.Command{
		Use:   "asm FILE.s [-o OUT] [--format elf|raw]",
		Short: "Assemble GNU as syntax into an ELF object or raw bytes",
		Long: `asm assembles FILE.s (GNU as syntax for AArch64, the subset kpemu's
assembler implements) into:

  elf   an ELF64 relocatable object (ET_REL), as aarch64-linux-gnu-as
        writes it; default OUT is FILE.o
  raw   the bytes of the image linked at --base (default the linker's),
        from its first to its last segment with the gaps zero-filled, as
        objcopy -O binary writes them; default OUT is FILE.bin

-o - writes to standard output. Errors name file:line:col (exit 4).`,
		Example: `  kpemu asm gcd.s                  # writes gcd.o
  kpemu asm gcd.s -o - --format raw | xxd`,
		Args: exactArgs(1, "one FILE.s"),
		RunE: func(cmd *cobra.Command, args []string) error {
			src := args[0]
			if format != "elf" && format != "raw" {
				return usageErrorf("--format %s: want elf or raw", format)
			}
			text, err := os.ReadFile(src)
			if err != nil {
				return inputError(err)
			}
			o, err := asm.Assemble(src, text)
			if err != nil {
				return inputError(err)
			}
			var buf bytes.Buffer
			if format == "elf" {
				err = obj.WriteELF(&buf, o)
			} else {
				err = writeRaw(&buf, o, uint64(base))
			}
			if err != nil {
				return inputError(err)
			}
			if out == "" {
				ext := map[string]string{"elf": ".o", "raw": ".bin"}[format]
				out = strings.TrimSuffix(src, filepath.Ext(src)) + ext
			}
			if out == "-" {
				_, err := cmd.OutOrStdout().Write(buf.Bytes())
				return err
			}
			if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
				return err
			}
			if !a.json {
				fmt.Fprintf(cmd.OutOrStdout(), "%s: %d bytes (%s)\n", out, buf.Len(), describeObject(o, format))
				return nil
			}
			return writeJSON(cmd.OutOrStdout(), struct {
				Output  string `json:"output"`
				Format  string `json:"format"`
				Bytes   int    `json:"bytes"`
				Summary string `json:"summary"`
			}{out, format, buf.Len(), describeObject(o, format)})
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "output file (- for standard output)")
	cmd.Flags().StringVar(&format, "format", "elf", "output format: elf or raw")
	cmd.Flags().Var(&base, "base", "link address for --format raw (default the linker's)")
	return cmd
}

// writeRaw links o alone at base and writes its memory image.
func writeRaw(w io.Writer, o *obj.Object, base uint64) error {
	img, err := obj.Link([]*obj.Object{o}, &obj.LinkOptions{Base: base})
	if err != nil {
		return err
	}
	lo, hi := img.Bounds()
	mem := make([]byte, hi-lo)
	for _, s := range img.Segments {
		copy(mem[s.Addr-lo:], s.Data)
	}
	// The bss at the end is not file content (objcopy stops at the last
	// byte with contents).
	end := uint64(0)
	for _, s := range img.Segments {
		end = max(end, s.Addr-lo+uint64(len(s.Data)))
	}
	_, err = w.Write(mem[:end])
	return err
}

func describeObject(o *obj.Object, format string) string {
	relocs := len(o.Relocs)
	if format == "raw" {
		return fmt.Sprintf("raw image of %d section%s", len(o.Sections), plural(len(o.Sections)))
	}
	return fmt.Sprintf("ELF64 relocatable, %d section%s, %d symbol%s, %d relocation%s",
		len(o.Sections), plural(len(o.Sections)), len(o.Symbols), plural(len(o.Symbols)), relocs, plural(relocs))
}
