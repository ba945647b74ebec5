// Package docs holds kpemu's documentation (walkthrough.md,
// architecture.md, rationale.md) and the test that keeps it honest: every
// command block in docs/*.md and in the README is run, and its output
// compared with what the document shows.
//
// A command block is a fenced block of type "console". Each line that
// starts with "$ " is a command (a line ending in a backslash continues
// it); the lines after it, up to the next command or the end of the
// block, are its expected output, stdout and stderr together. Commands
// run with sh in the repository root, with a kpemu built from this tree
// first on PATH. Blocks of type "sh" are set-up commands (installing,
// running the tests themselves, fetching a kernel): they are checked, not
// run — make targets, scripts, paths and Debian packages must exist,
// kpemu command lines must parse, and with KPEMU_VMLINUX set the lines
// that use the real kernel ($V) run. Other blocks ("go") are prose.
//
// Files that commands write under docs/ (the diagrams the walkthrough
// embeds) are compared with the committed ones too. `go test ./docs
// -update` rewrites the documents' outputs and those files from what the
// commands print and write; read the diff before committing it.
package docs
