package obj

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMappingSymbols(t *testing.T) {
	for name, want := range map[string]bool{
		"$x": true, "$d": true, "$x.42": true, "$d.foo": true,
		"$a": false, "$xx": false, "$": false, "x": false, "$dollar": false,
	} {
		assert.Equal(t, want, isMappingSymbol(name), name)
	}
}

// TestNMTypeCases covers the letters gas cannot make for
// TestReadSymbolsMatchNM: a binding nm does not know, and the Windows
// section names through Link, which has no non-allocated sections.
func TestNMTypeCases(t *testing.T) {
	text := SecAlloc | SecExec
	for _, c := range []struct {
		bind Binding
		kind SymbolKind
		p    symPlace
		want byte
	}{
		{BindGlobal, SymFunc, symPlace{section: ".text", flags: text}, 'T'},
		{BindLocal, SymFunc, symPlace{section: ".text", flags: text}, 't'},
		{BindGlobal, SymNoType, symPlace{otherBind: true, section: ".text", flags: text}, '?'},
		{BindGlobal, SymNoType, symPlace{section: ".edata", flags: SecAlloc}, 'E'},
		{BindLocal, SymNoType, symPlace{section: ".idata$4", flags: SecAlloc | SecWrite}, 'i'},
		{BindLocal, SymNoType, symPlace{section: ".pdata.x", flags: SecAlloc}, 'p'},
		{BindLocal, SymNoType, symPlace{section: ".pdatax", flags: SecAlloc}, 'r'},
		{BindLocal, SymNoType, symPlace{section: ".drectve", flags: SecAlloc}, 'i'},
		{BindLocal, SymNoType, symPlace{section: ".rodata", flags: SecAlloc | SecWrite}, 'd'},
		{BindGlobal, SymObject, symPlace{section: ".bss", flags: SecAlloc | SecWrite, noBits: true}, 'B'},
		{BindLocal, SymNoType, symPlace{section: ".gdb_index", debug: isDebugSection(".gdb_index")}, 'N'},
		{BindLocal, SymNoType, symPlace{section: ".gnu.debuglto_.debug_info", debug: isDebugSection(".gnu.debuglto_.debug_info")}, 'N'},
		{BindLocal, SymNoType, symPlace{section: ".comment"}, 'n'},
		{BindLocal, SymNoType, symPlace{section: ".w", flags: SecWrite}, '?'},
		{BindGlobal, SymNoType, symPlace{abs: true, section: ".edata"}, 'A'},
		{BindWeak, SymObject, symPlace{undef: true}, 'v'},
		{BindGlobal, SymObject, symPlace{common: true}, 'C'},
	} {
		assert.Equal(t, string(c.want), string(nmType(c.bind, c.kind, c.p)), "%+v", c)
	}

	// Link names its symbols' sections too.
	o := &Object{Sections: []*Section{{Name: ".edata", Flags: SecAlloc, Align: 1, Data: []byte{0}, Size: 1}},
		Symbols: []*Symbol{{Name: "exports", Section: 0, Binding: BindGlobal}}}
	img, err := Link([]*Object{o}, nil)
	if assert.NoError(t, err) && assert.Len(t, img.Symbols, 1) {
		assert.Equal(t, "E", string(img.Symbols[0].Type))
	}
}
