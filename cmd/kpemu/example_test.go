package main

import (
	"context"
	"fmt"
	"os"
)

// check answers "can I probe here?": chain_b+0x18 is a bl, which the
// kernel simulates in the BRK handler instead of stepping it out of line.
func Example_check() {
	code := execute(context.Background(), []string{"check", "../../testdata/kernel/calls.s", "chain_b+0x18"},
		nil, os.Stdout, os.Stdout)
	fmt.Println("exit code", code)
	// Output:
	// probe:    chain_b+0x18 at 0xffff80000800003c chain_b+0x18/0x30
	// profile:  v6.17: the XOL slot is the instruction then BRK #6, which ends the step (v5.10+)
	// result:   accepted, simulate
	// insn:     94000006  bl      ffff800008000054 <chain_c>
	// class:    INSN_GOOD_NO_SLOT: simulated: the BRK handler computes its effect on pt_regs, no slot
	// handler:  simulate_b_bl
	// rule:     B/BL: simulated by simulate_b_bl
	// exit code 0
}

// run calls a function with a kprobe whose handlers print what
// samples/kprobes/kprobe_example.c prints, and a kretprobe that prints
// what kretprobe_example.c prints.
func Example_run() {
	execute(context.Background(), []string{"run", "../../testdata/kernel/calls.s",
		"--call", "chain_a(5)", "--kprobe", "chain_b", "--kretprobe", "chain_c"}, nil, os.Stdout, os.Stdout)
	// Output:
	// <chain_b> p->addr = 0xffff800008000024, pc = 0xffff800008000024, pstate = 0x5
	// <chain_b> p->addr = 0xffff800008000024, pstate = 0x5
	// chain_c returned 740 and took 6 ns to execute
	// chain_a(5) returned 1492 (0x5d4) after 30 instructions
	// Missed probing 0 instances of chain_c
}
