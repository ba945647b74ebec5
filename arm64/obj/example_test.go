package obj_test

import (
	"encoding/binary"
	"fmt"

	"github.com/kpemu/kpemu/arm64/obj"
)

func le32(ws ...uint32) []byte {
	b := make([]byte, 4*len(ws))
	for i, w := range ws {
		binary.LittleEndian.PutUint32(b[4*i:], w)
	}
	return b
}

// Link two objects: main.o calls helper, which helper.o defines; the
// linker places both texts, resolves the call and patches the BL.
func ExampleLink() {
	main := &obj.Object{
		Name: "main.o",
		Sections: []*obj.Section{{Name: ".text", Flags: obj.SecAlloc | obj.SecExec, Align: 4,
			Data: le32(
				0x94000000, // bl helper (to be relocated)
				0xd65f03c0, // ret
			), Size: 8}},
		Symbols: []*obj.Symbol{
			{Name: "_start", Section: 0, Kind: obj.SymFunc, Binding: obj.BindGlobal, Size: 8},
			{Name: "helper", Section: obj.SectionUndef, Binding: obj.BindGlobal},
		},
		Relocs: []obj.Reloc{{Section: 0, Offset: 0, Type: obj.R_AARCH64_CALL26, Symbol: 1}},
	}
	helper := &obj.Object{
		Name: "helper.o",
		Sections: []*obj.Section{{Name: ".text", Flags: obj.SecAlloc | obj.SecExec, Align: 4,
			Data: le32(
				0xd2800540, // mov x0, #42
				0xd65f03c0, // ret
			), Size: 8}},
		Symbols: []*obj.Symbol{{Name: "helper", Section: 0, Kind: obj.SymFunc, Binding: obj.BindGlobal, Size: 8}},
	}
	img, err := obj.Link([]*obj.Object{main, helper}, &obj.LinkOptions{Base: 0xffff800008000000})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range img.Segments {
		fmt.Printf("segment %#x %s %d bytes, first word %#08x\n", s.Addr, s.Prot, s.MemSize, binary.LittleEndian.Uint32(s.Data))
	}
	for _, s := range img.Symbols {
		fmt.Printf("%016x %c %s\n", s.Addr, s.Type, s.Name)
	}
	// Output:
	// segment 0xffff800008000000 r-x 16 bytes, first word 0x94000002
	// ffff800008000000 T _start
	// ffff800008000008 T helper
}
