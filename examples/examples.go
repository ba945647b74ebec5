// Package examples holds the arm64 sources that kpemu's demo and its
// documentation run, so that the command line and the docs use the same
// files a reader can open, assemble and probe.
package examples

import _ "embed"

// KernelClone is kernel_clone.s: __do_sys_clone, kernel_clone and
// copy_process, the seed scenario of `kpemu demo` and of the walkthrough.
//
//go:embed kernel_clone.s
var KernelClone []byte
