package symbols_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/kpemu/kpemu/arm64/obj"
	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/symbols"
)

// A Table is an emu.Symbolizer.
var _ emu.Symbolizer = (*symbols.Table)(nil)

// Build a table from symbols and name addresses the way the kernel's %pS
// does. kernel_clone's ELF size is 0x2c, but kallsyms knows no sizes: a
// symbol runs to the next one, so its padding is part of it.
func ExampleNew() {
	tab, err := symbols.New(
		symbols.Symbol{Name: "kernel_clone", Addr: 0xffff8000800a1b40, Size: 0x2c, Type: 'T'},
		symbols.Symbol{Name: "__do_sys_clone", Addr: 0xffff8000800a1b70, Size: 0x70, Type: 't'},
	)
	if err != nil {
		panic(err)
	}
	fmt.Println(tab.SprintSymbol(0xffff8000800a1b40))
	fmt.Println(tab.SprintSymbol(0xffff8000800a1b6c))
	fmt.Println(tab.SprintSymbol(0xffff8000800a1b80))
	fmt.Println(tab.SprintSymbol(0xffff8000800a1be0))
	// Output:
	// kernel_clone+0x0/0x30
	// kernel_clone+0x2c/0x30
	// __do_sys_clone+0x10/0x70
	// 0xffff8000800a1be0
}

// Look a name up as kprobes does. Two files define a static show_stat:
// kallsyms_lookup_name picks the lower address, and a kprobe event on the
// bare name is refused as ambiguous (-EADDRNOTAVAIL) since Linux 6.6.
func ExampleTable_Lookup() {
	syms, err := symbols.ParseKallsyms(strings.NewReader(
		"ffff8000802a1000 t show_stat\n" +
			"ffff800080100000 t show_stat\n" +
			"ffff800080100100 T do_exit\n" +
			"ffff80007a000000 t ext4_init\t[ext4]\n"))
	if err != nil {
		panic(err)
	}
	tab, err := symbols.New(syms...)
	if err != nil {
		panic(err)
	}
	for _, s := range tab.Lookup("show_stat") {
		fmt.Println(s)
	}
	first, _ := tab.LookupName("show_stat")
	fmt.Printf("kallsyms_lookup_name: %#x\n", first.Addr)
	fmt.Println("count:", tab.Count("show_stat"), tab.Count("do_exit"), tab.Count("ext4:ext4_init"))
	// Output:
	// ffff800080100000 t show_stat
	// ffff8000802a1000 t show_stat
	// kallsyms_lookup_name: 0xffff800080100000
	// count: 2 1 1
}

// Plug a table into a machine: its errors and traces then name addresses.
func ExampleTable_Symbolize() {
	tab, err := symbols.New(
		symbols.Symbol{Name: "_stext", Addr: 0xffff800080010000, Type: 'T'},
		symbols.Symbol{Name: "ext4_fill_super", Addr: 0xffff80007a2b0000, Size: 0x800, Type: 't', Module: "ext4"},
	)
	if err != nil {
		panic(err)
	}
	m, err := emu.New(&emu.Config{Symbolizer: tab})
	if err != nil {
		panic(err)
	}
	fmt.Println(m.Symbolize(0xffff80007a2b0010))
	s, ok := tab.Symbolize(0x1234)
	fmt.Println(s, ok)
	// Output:
	// ext4_fill_super+0x10/0x800 [ext4]
	// 0x1234 false
}

// Write a table as /proc/kallsyms, as a reader without CAP_SYSLOG sees it.
func ExampleTable_WriteKallsyms() {
	tab, err := symbols.New(
		symbols.Symbol{Name: "_text", Addr: 0xffff800080000000, Type: 'T'},
		symbols.Symbol{Name: "xfs_init", Addr: 0xffff80007a300000, Type: 't', Module: "xfs"},
	)
	if err != nil {
		panic(err)
	}
	if err := tab.WriteKallsyms(os.Stdout, &symbols.KallsymsOptions{HideAddresses: true}); err != nil {
		panic(err)
	}
	// Output:
	// 0000000000000000 T _text
	// 0000000000000000 t xfs_init	[xfs]
}

// Add a module: arm64/obj links the object (built here in memory;
// obj.OpenELF reads a .o or .ko file) at a module address, and AddImage
// adds its symbols with their nm letters and its segments as the module's
// memory. The static init function and its global alias init_module share
// an address: the local one, first in the module's symbol table, names it.
func ExampleTable_AddImage() {
	mod := &obj.Object{
		Sections: []*obj.Section{{Name: ".text", Flags: obj.SecAlloc | obj.SecExec, Align: 4,
			Data: make([]byte, 12), Size: 12}},
		Symbols: []*obj.Symbol{
			{Name: "mymod_init", Section: 0, Size: 8, Kind: obj.SymFunc, Binding: obj.BindLocal},
			{Name: "helper", Section: 0, Value: 8, Size: 4, Kind: obj.SymFunc, Binding: obj.BindLocal},
			{Name: "init_module", Section: 0, Size: 8, Kind: obj.SymFunc, Binding: obj.BindGlobal},
		},
	}
	img, err := obj.Link([]*obj.Object{mod}, &obj.LinkOptions{Base: 0xffff80007a000000})
	if err != nil {
		panic(err)
	}
	tab := &symbols.Table{}
	if err := tab.AddImage(img, "mymod"); err != nil {
		panic(err)
	}
	fmt.Println(tab.SprintSymbol(0xffff80007a000004))
	fmt.Println(tab.SprintSymbol(0xffff80007a00000b))
	fmt.Println(tab.SprintSymbol(0xffff80007a00000c))
	if err := tab.WriteKallsyms(os.Stdout, nil); err != nil {
		panic(err)
	}
	// Output:
	// mymod_init+0x4/0x8 [mymod]
	// helper+0x3/0x4 [mymod]
	// 0xffff80007a00000c
	// ffff80007a000000 t mymod_init	[mymod]
	// ffff80007a000000 T init_module	[mymod]
	// ffff80007a000008 t helper	[mymod]
}
