package diagram_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/kpemu/kpemu/emu"
	"github.com/kpemu/kpemu/emu/loader"
	"github.com/kpemu/kpemu/internal/diagram"
	"github.com/kpemu/kpemu/kprobe"
)

// A probe on a function's first instruction, one call, and the hit as a
// sequence diagram: its lifelines and steps, then the SVG.
func ExampleWriteSVG() {
	m, _ := emu.New(nil)
	m.Map(0xffff800030000000, 0x4000, emu.PermRW)
	m.CPU(0).SetSP(0xffff800034000000)
	l, err := loader.LoadSource(m, "double.s", []byte(`
	.text
	.globl	double
	.type	double, %function
double:
	add	x0, x0, x0
	ret
	.size	double, .-double
`), &loader.Options{Base: 0xffff800008000000})
	if err != nil {
		fmt.Println(err)
		return
	}
	s, _ := kprobe.New(m, &kprobe.Options{Symbols: l.Symbols})
	var events []kprobe.PhaseEvent
	s.SetPhaseListener(func(e kprobe.PhaseEvent) { events = append(events, e) })
	kp := &kprobe.Kprobe{SymbolName: "double", PostHandler: func(*kprobe.Kprobe, *kprobe.PtRegs, uint64) {}}
	if err := s.RegisterKprobe(kp); err != nil {
		fmt.Println(err)
		return
	}
	r, _ := m.Call(context.Background(), kp.Addr, []uint64{21}, nil)
	fmt.Println("double(21) =", r)

	hits := diagram.Hits(events)
	d, _ := diagram.Build(hits[0], nil)
	fmt.Println(d.Title)
	for _, h := range d.Heads {
		fmt.Printf("  %-22s %s\n", h.Name, h.Sub)
	}
	for _, st := range d.Steps {
		fmt.Println("   ", st.Label)
	}
	var svg bytes.Buffer
	if err := diagram.WriteSVG(&svg, hits[0], nil); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.HasPrefix(svg.String(), "<?xml"))
	// Output:
	// double(21) = 42
	// kprobe hit on CPU 0 at double+0x0/0x8: add x0, x0, x0, stepped out of line
	//   CPU 0                  guest code
	//   exception entry        EL1 sync, ESR_EL1
	//   kprobe_brk_handler     BRK #4
	//   XOL slot               0xffff8000f0000000
	//   kprobe_ss_brk_handler  BRK #6
	//   post-handler           p->post_handler
	//     BRK #4
	//     ESR 0xf2000004
	//     get_kprobe(pc)
	//     setup_singlestep
	//     ERET to slot
	//     BRK #6
	//     ESR 0xf2000006
	//     restore DAIF
	//     post_handler
	//     returns
	//     ERET
	// true
}
