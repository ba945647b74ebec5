package loader_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kpemu/kpemu/arm64/obj"
	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/loader"
)

// Load an object file, linked at a kernel address, and call a function of
// it by name. The file here is written with obj.WriteELF; one from GNU as
// (or `kpemu asm`) loads the same way, and so do executables, static PIEs
// and a distribution vmlinux.
func ExampleLoadFile() {
	o := &obj.Object{
		Sections: []*obj.Section{{Name: ".text", Flags: obj.SecAlloc | obj.SecExec, Align: 4,
			Data: []byte{
				0x00, 0x00, 0x01, 0x8b, // add x0, x0, x1
				0xc0, 0x03, 0x5f, 0xd6, // ret
			}, Size: 8}},
		Symbols: []*obj.Symbol{{Name: "add", Section: 0, Kind: obj.SymFunc, Binding: obj.BindGlobal, Size: 8}},
	}
	dir, _ := os.MkdirTemp("", "kpemu")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "add.o")
	f, _ := os.Create(path)
	if err := obj.WriteELF(f, o); err != nil {
		fmt.Println(err)
	}
	f.Close()

	m, _ := emu.New(nil)
	l, err := loader.LoadFile(m, path, &loader.Options{Base: 0xffff800008000000})
	if err != nil {
		fmt.Println(err)
		return
	}
	const stack = 0xffff800030000000
	m.Map(stack, 4*emu.PageSize, emu.PermRW)
	m.CPU(0).SetSP(stack + 4*emu.PageSize)

	add, _ := l.Addr("add")
	x0, err := m.Call(context.Background(), add, []uint64{40, 2}, nil)
	fmt.Printf("%s = %#x: add(40, 2) = %d %v\n", m.Symbolize(add), add, x0, err)
	// Output: add+0x0/0x8 = 0xffff800008000000: add(40, 2) = 42 <nil>
}
