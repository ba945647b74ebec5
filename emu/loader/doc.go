// Package loader puts programs into an emu.Machine's memory: a
// relocatable object linked at an address, an executable at its fixed
// addresses, a static position-independent executable or a Linux kernel
// vmlinux at its link addresses or moved to a chosen base.
//
// The ELF reading, the linking and the relocation arithmetic are in
// arm64/obj, which knows nothing of machines; this package maps the
// result: LoadFile reads an ELF file of any kind kpemu supports, Load maps
// an obj.Image, each segment with its permissions (a page shared by two
// segments gets both), its bytes written and the rest, the bss, left zero.
// The image's symbols, with the nm type letters arm64/obj gives them,
// become a symbols.Table, the kallsyms model (symbols.Table.AddImage, the
// image playing the kernel: its memory runs from its first segment to the
// end of its last), which Load installs as the machine's symbolizer so
// that errors and traces print sym+0xoff/0xsize.
//
// # Kernel images
//
// A distribution arm64 vmlinux (the ELF file with symbols, shipped in
// Debian's linux-image-<version>-arm64-dbg package) is an ET_DYN without a
// dynamic section whose pointers are filled at boot from R_AARCH64_RELATIVE
// relocations (arch/arm64/kernel/head.S: __relocate_kernel in v6.1). It
// is linked with --no-apply-dynamic-relocs, so those pointers are zero in
// the file: the loader applies the relocations even at the link address,
// as the kernel does with a KASLR offset of 0. Only the segments and the
// symbol and relocation tables are read (with ReadAt, no copy of the
// whole file), so a 300 MB vmlinux with 150,000 symbols loads in about
// two seconds.
//
// # User programs
//
// Options.User maps the segments as EL0 pages (emu.PermUser), for code
// run with emu.CallOptions.EL0 or at EL0 by the Linux personality. Only
// static programs load: a dynamic relocation other than R_AARCH64_RELATIVE
// needs a dynamic linker, and is an error.
package loader
