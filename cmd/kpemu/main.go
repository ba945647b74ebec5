// Command kpemu is the kernel-probe and system-call emulator's command line.
//
// Until the CLI lands in full, it has one command, demo, which runs a
// kernel-style function in the emulated machine and shows what the machine
// did: each instruction, the registers it changed, and a BRK taken through
// the architectural exception path to a Go handler.
package main

import (
	"fmt"
	"os"
)

const usage = `usage: kpemu demo

  demo    run a kernel-style function in the emulated machine, trace every
          instruction, and take a BRK exception into a Go handler
`

func main() {
	if len(os.Args) != 2 || os.Args[1] != "demo" {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	if err := demo(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "kpemu:", err)
		os.Exit(1)
	}
}
