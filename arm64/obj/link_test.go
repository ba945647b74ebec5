package obj

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kpemu/kpemu/internal/golden"
)

// words makes section data of instruction words.
func words(ws ...uint32) []byte {
	b := make([]byte, 4*len(ws))
	for i, w := range ws {
		binary.LittleEndian.PutUint32(b[4*i:], w)
	}
	return b
}

func text(data []byte) *Section {
	return &Section{Name: ".text", Flags: SecAlloc | SecExec, Align: 4, Data: data, Size: uint64(len(data))}
}

// caller calls callee with a CALL26 and keeps a pointer to it in .data.
func callerObject() *Object {
	return &Object{
		Name: "caller.o",
		Sections: []*Section{
			text(words(0x94000000, 0xd65f03c0)), // bl callee; ret
			{Name: ".data", Flags: SecAlloc | SecWrite, Align: 8, Data: make([]byte, 8), Size: 8},
			{Name: ".bss", Flags: SecAlloc | SecWrite, Align: 16, Size: 0x2000},
		},
		Symbols: []*Symbol{
			{Name: "local", Section: 0, Value: 4, Binding: BindLocal},
			{Name: "_start", Section: 0, Kind: SymFunc, Binding: BindGlobal, Size: 8},
			{Name: "callee", Section: SectionUndef, Binding: BindGlobal},
			{Name: "buf", Section: 2, Kind: SymObject, Binding: BindGlobal, Size: 0x2000},
			{Name: "ptr", Section: 1, Kind: SymObject, Binding: BindLocal, Size: 8},
		},
		Relocs: []Reloc{
			{Section: 0, Offset: 0, Type: R_AARCH64_CALL26, Symbol: 2},
			{Section: 1, Offset: 0, Type: R_AARCH64_ABS64, Symbol: 2, Addend: 4},
		},
	}
}

func calleeObject() *Object {
	return &Object{
		Name: "callee.o",
		Sections: []*Section{
			text(words(0xd2800540, 0xd65f03c0)), // mov x0, #42; ret
			{Name: ".rodata", Flags: SecAlloc, Align: 1, Data: []byte("hi\x00"), Size: 3},
		},
		Symbols: []*Symbol{
			{Name: "local", Section: 0, Value: 0, Binding: BindLocal},
			{Name: "callee", Section: 0, Kind: SymFunc, Binding: BindGlobal, Size: 8},
			{Name: "msg", Section: 1, Kind: SymObject, Binding: BindGlobal, Size: 3},
			{Name: "answer", Section: SectionAbs, Value: 42, Binding: BindGlobal},
		},
	}
}

// nmList prints an image's symbols as nm does.
func nmList(img *Image) string {
	var b strings.Builder
	for _, s := range img.Symbols {
		fmt.Fprintf(&b, "%016x %c %s\n", s.Addr, s.Type, s.Name)
	}
	return b.String()
}

func TestLinkTwoObjects(t *testing.T) {
	img, err := Link([]*Object{callerObject(), calleeObject()}, &LinkOptions{Base: 0x10000})
	require.NoError(t, err)

	require.Len(t, img.Segments, 4)
	want := []struct {
		addr, size uint64
		prot       string
	}{
		{0x10000, 0x10, "r-x"}, // caller's text, then callee's
		{0x11000, 3, "r--"},
		{0x12000, 8, "rw-"},
		{0x13000, 0x2000, "rw-"},
	}
	for i, w := range want {
		s := img.Segments[i]
		assert.Equal(t, w.addr, s.Addr, "segment %d", i)
		assert.Equal(t, w.size, s.MemSize, "segment %d", i)
		assert.Equal(t, w.prot, s.Prot.String(), "segment %d", i)
	}
	assert.Nil(t, img.Segments[3].Data, "bss has no bytes")
	assert.Equal(t, uint64(0x10000), img.Entry, "_start")

	// bl callee: callee is at 0x10008, 8 bytes ahead.
	assert.Equal(t, words(0x94000002, 0xd65f03c0, 0xd2800540, 0xd65f03c0), img.Segments[0].Data)
	assert.Equal(t, uint64(0x1000c), binary.LittleEndian.Uint64(img.Segments[2].Data), "ptr = callee+4")

	golden.Check(t, "testdata/link_two_objects.nm", []byte(nmList(img)))
}

func TestLinkSectionMergeAlignment(t *testing.T) {
	a := &Object{Name: "a.o", Sections: []*Section{
		text(words(0xd503201f)), // nop
		{Name: ".text.hot", Flags: SecAlloc | SecExec, Align: 4, Data: words(0xd503201f), Size: 4},
	}}
	b := &Object{Name: "b.o", Sections: []*Section{
		{Name: ".text", Flags: SecAlloc | SecExec, Align: 64, Data: words(0xd65f03c0), Size: 4},
	}, Symbols: []*Symbol{{Name: "f", Section: 0, Binding: BindGlobal}}}
	img, err := Link([]*Object{a, b}, nil)
	require.NoError(t, err)
	// .text of a at the base, .text of b at the next 64, then .text.hot.
	f, ok := img.Lookup("f")
	require.True(t, ok)
	assert.Equal(t, uint64(DefaultBase+64), f.Addr)
	require.Len(t, img.Sections, 2)
	assert.Equal(t, ImageSection{Name: ".text", Addr: DefaultBase, Size: 68, Flags: SecAlloc | SecExec}, img.Sections[0])
	assert.Equal(t, ".text.hot", img.Sections[1].Name)
	assert.Equal(t, uint64(DefaultBase+68), img.Sections[1].Addr)
}

func TestLinkWeak(t *testing.T) {
	weakDef := &Object{Name: "weak.o", Sections: []*Section{text(words(0xd2800020, 0xd65f03c0))},
		Symbols: []*Symbol{{Name: "hook", Section: 0, Binding: BindWeak, Kind: SymFunc}}}
	strongDef := &Object{Name: "strong.o", Sections: []*Section{text(words(0xd2800040, 0xd65f03c0))},
		Symbols: []*Symbol{{Name: "hook", Section: 0, Binding: BindGlobal, Kind: SymFunc}}}
	user := &Object{Name: "user.o",
		Sections: []*Section{{Name: ".data", Flags: SecAlloc | SecWrite, Align: 8, Data: make([]byte, 16), Size: 16}},
		Symbols: []*Symbol{
			{Name: "hook", Section: SectionUndef, Binding: BindGlobal},
			{Name: "optional", Section: SectionUndef, Binding: BindWeak},
		},
		Relocs: []Reloc{
			{Section: 0, Offset: 0, Type: R_AARCH64_ABS64, Symbol: 0},
			{Section: 0, Offset: 8, Type: R_AARCH64_ABS64, Symbol: 1, Addend: 0},
		}}

	img, err := Link([]*Object{user, weakDef, strongDef}, &LinkOptions{Base: 0x20000})
	require.NoError(t, err)
	hook, ok := img.Lookup("hook")
	require.True(t, ok)
	assert.Equal(t, uint64(0x20008), hook.Addr, "the strong definition wins, though the weak one came first")
	assert.Equal(t, byte('T'), hook.Type)
	data := imageBytes(t, img, 0x21000, 16)
	assert.Equal(t, uint64(0x20008), binary.LittleEndian.Uint64(data))
	assert.Equal(t, uint64(0), binary.LittleEndian.Uint64(data[8:]), "an undefined weak symbol is 0")
	opt, ok := img.Lookup("optional")
	require.True(t, ok)
	assert.Equal(t, byte('w'), opt.Type)

	// Weak alone: the weak definition is used.
	img, err = Link([]*Object{user, weakDef}, &LinkOptions{Base: 0x20000})
	require.NoError(t, err)
	hook, _ = img.Lookup("hook")
	assert.Equal(t, byte('W'), hook.Type)
	assert.Equal(t, uint64(0x20000), binary.LittleEndian.Uint64(imageBytes(t, img, 0x21000, 8)))
}

func TestLinkErrors(t *testing.T) {
	dup := calleeObject()
	dup.Name = "again.o"
	_, err := Link([]*Object{callerObject(), calleeObject(), dup}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "duplicate symbol callee: defined in callee.o and in again.o")
	assert.Contains(t, err.Error(), "duplicate symbol msg")

	_, err = Link([]*Object{callerObject()}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "undefined symbol callee, referenced by caller.o at .text+0x0")

	_, err = Link([]*Object{callerObject(), calleeObject()}, &LinkOptions{Base: 0x10010})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not page aligned")

	_, err = Link([]*Object{calleeObject()}, &LinkOptions{Entry: "main"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "entry symbol main is not defined")

	far := callerObject()
	far.Relocs = far.Relocs[:1]
	far.Symbols[2] = &Symbol{Name: "callee", Section: SectionAbs, Value: 0x40000000, Binding: BindGlobal}
	_, err = Link([]*Object{far}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "caller.o: .text+0x0 against callee: R_AARCH64_CALL26: target 0x40000000 out of range of 0x400000 (+-128MiB)")

	bad := calleeObject()
	bad.Relocs = []Reloc{{Section: 0, Offset: 0, Type: R_AARCH64_CALL26, Symbol: 9}}
	_, err = Link([]*Object{bad}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "symbol index 9 out of range")

	bad = calleeObject()
	bad.Relocs = []Reloc{{Section: 0, Offset: 8, Type: R_AARCH64_CALL26, Symbol: 1}}
	_, err = Link([]*Object{bad}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "past the end of the section")

	bad = calleeObject()
	bad.Relocs = []Reloc{{Section: 0, Offset: 0, Type: RelocType(311), Symbol: 1}}
	_, err = Link([]*Object{bad}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unsupported relocation R_AARCH64_ADR_GOT_PAGE against callee")

	huge := &Object{Name: "huge.o", Sections: []*Section{{Name: ".bss", Flags: SecAlloc | SecWrite, Align: 1, Size: 1 << 40}}}
	_, err = Link([]*Object{huge}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "more than 1024 MiB")

	wrap := &Object{Name: "wrap.o", Sections: []*Section{{Name: ".bss", Flags: SecAlloc | SecWrite, Align: 1, Size: 0x2000}}}
	_, err = Link([]*Object{wrap}, &LinkOptions{Base: 1<<64 - 4096})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "does not fit below 2^64")
}

// TestLinkKernelHalf links at a kernel-half base, where everything is an
// ordinary address.
func TestLinkKernelHalf(t *testing.T) {
	const base = 0xffff800008000000
	img, err := Link([]*Object{callerObject(), calleeObject()}, &LinkOptions{Base: base})
	require.NoError(t, err)
	callee, ok := img.Lookup("callee")
	require.True(t, ok)
	assert.Equal(t, uint64(base+8), callee.Addr)
	assert.Equal(t, uint64(base+0xc), binary.LittleEndian.Uint64(img.Segments[2].Data))
	answer, _ := img.Lookup("answer")
	assert.Equal(t, ImageSymbol{Name: "answer", Addr: 42, Binding: BindGlobal, Type: 'A'}, answer)
}
