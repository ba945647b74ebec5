package asm

import (
	"bytes"
	"debug/elf"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/arm64/obj"
)

// TestELFOutputMatchesGNUAs writes our objects as ELF files (obj.WriteELF)
// and reads them back as GNU as's are read: the whole path from source to
// file gives what GNU as gives.
func TestELFOutputMatchesGNUAs(t *testing.T) {
	gasPath(t)
	directives, err := os.ReadFile("testdata/directives.s")
	require.NoError(t, err)
	for name, src := range map[string]string{"directives.s": string(directives), "reloc.s": relocSrc,
		"pool.s": poolSrc, "symbols.s": symbolsSrc} {
		t.Run(name, func(t *testing.T) {
			g, msgs := runGAS(t, src)
			require.NotNil(t, g, msgs)
			o := asmOK(t, src)
			var buf bytes.Buffer
			require.NoError(t, obj.WriteELF(&buf, o))
			f, err := elf.NewFile(bytes.NewReader(buf.Bytes()))
			require.NoError(t, err)
			ours := readGASObject(t, f)
			for sec, gs := range g.sections {
				if gasOnlySection(sec) {
					continue
				}
				assert.Equal(t, gs, ours.sections[sec], sec)
			}
			var gasRelocs []string
			for _, r := range g.relocs {
				if !gasOnlySection(r[:strings.IndexByte(r, '+')]) {
					gasRelocs = append(gasRelocs, r)
				}
			}
			assert.Equal(t, gasRelocs, ours.relocs)
			assert.Equal(t, g.symbols, ours.symbols)
		})
	}
}
