// Package symbols is kpemu's symbol table: a model of the Linux kernel's
// kallsyms, the table behind /proc/kallsyms, the %pS printk format,
// kallsyms_lookup_name and the kprobe address checks. The kprobe model,
// the disassembler, traces and the command line all use this one table.
//
// # The model
//
// A Table holds Symbols: a name, an address, a type letter (Type: T/t
// text, D/d data, R/r read-only data, B/b bss, W/V weak, A absolute, ...;
// upper case global, lower case local) and a module ("" for the kernel).
// It is filled from an image (AddImage: the symbols of an obj.Image with
// the letters nm prints, which arm64/obj computes when it reads an ELF
// file or links objects), from System.map text (ParseSystemMap) or from
// /proc/kallsyms text (ParseKallsyms, with its "[module]" column and the
// all-zero addresses a restricted reader sees), and written back byte for
// byte in the two text forms (WriteSystemMap, WriteKallsyms). It plugs
// into emu.Config.Symbolizer; emu/loader makes the table of the image it
// loads the machine's symbolizer.
//
// Queries index the table once (a sort by address and one by name) and
// then use binary search: LookupAddr does not allocate. A table of 150,000
// symbols, the size of a distribution vmlinux, indexes in about a tenth of
// a second, and an address lookup in it takes about 0.1 µs
// (BenchmarkIndex, BenchmarkLookupAddr).
//
// # Kernel rules followed (Linux v6.11 unless said otherwise)
//
// Address order and aliases: symbols are ordered by address; of several
// kernel symbols at one address, scripts/kallsyms.c: compare_symbols puts
// non-weak before weak (W, w), ordinary names before names that look like
// linker-script PROVIDEs (may_be_linker_script_provide_symbol: __start_*,
// __stop_*, __end_*, __*_start, __*_end), fewer leading underscores
// first, and otherwise keeps the input order (System.map's, which is nm -n
// order). An address is named after the first of its aliases:
// kernel/kallsyms.c: get_symbol_pos walks back to it. A module's aliases
// keep the module's symbol table order, of which
// kernel/module/kallsyms.c: find_kallsyms_symbol takes the first
// (AddImage puts a module's local symbols first at each address, as its
// symbol table does).
//
// Size and offset: kallsyms stores no sizes. The size of a symbol is the
// distance from its address to the next higher symbol address of the same
// image (the kernel, or one module); the highest symbol of the kernel ends
// where the kernel's memory does (kernel/kallsyms.c: get_symbol_pos uses
// _etext, _einittext or, with CONFIG_KALLSYMS_ALL, _end), and a module's
// symbol no later than the end of the module memory that holds the
// address (kernel/module/kallsyms.c: find_kallsyms_symbol bounds it by the
// end of the module's text). So the padding after a function belongs to
// it. Symbol.Size, the ELF size, is
// kept for information and to bound an image's memory when no Region says
// where it ends; it never shortens a lookup's size.
//
// Which addresses are covered: an address is looked up in the kernel if it
// lies in the kernel's memory (kernel/kallsyms.c: is_ksym_addr), else in
// the module whose memory holds it (module_address_lookup). That memory is
// given by Regions (AddRegion; AddImage adds them from the segments) or,
// without them, by the span from the lowest symbol to the highest known
// symbol end. An address outside it, or below an image's first symbol,
// has no symbol.
//
// The %pS family (kernel/kallsyms.c: __sprint_symbol, via
// lib/vsprintf.c: symbol_string): %pS prints "name+0xoff/0xsize", %ps
// "name", both followed by " [mod]" for a module symbol; %pB looks up
// address-1 and prints the offset of the address (for return addresses
// after a call to a noreturn function); an address no symbol covers
// prints as "0x" and its lower-case hex digits. "%#lx" always writes the
// 0x prefix in the kernel (lib/vsprintf.c: number), so offset zero is
// "+0x0".
//
// Names: kallsyms_lookup_name returns the kernel symbol of that name with
// the lowest address (scripts/kallsyms.c: compare_names sorts equal names
// by address), else the first module symbol, modules searched newest
// first (kernel/module/kallsyms.c: module_kallsyms_lookup_name, which also
// takes "mod:sym"). LookupName follows it; Lookup returns every match in
// that order. Static functions of different files can share a name: since
// v6.6 a kprobe event on a name that matches more than one symbol fails
// with -EADDRNOTAVAIL (kernel/trace/trace_kprobe.c:
// number_of_same_symbols); Count gives that number.
//
// Suffixes: compilers add suffixes to local copies and parts of functions:
// foo.cold, foo.isra.0, foo.constprop.0, foo.part.0 (GCC) and, with Clang
// LTO, foo.llvm.<hash>. kallsyms keeps them in the name, and this table
// matches names exactly, as kallsyms does since v6.11 (commits "kallsyms:
// Match symbols exactly with CONFIG_LTO_CLANG" and "kallsyms: Do not
// cleanup .llvm.<hash> suffix before sorting symbols", also in stable
// kernels). Before that, from Clang LTO's arrival in v5.12, a
// CONFIG_LTO_CLANG kernel's kernel/kallsyms.c: cleanup_symbol_name cut
// LLVM's suffix off (at ".llvm."; in some versions at the first '.') for
// lookups and printing; that is not modelled.
// BaseName gives the name before the first '.', which the kprobe blacklist
// uses (kernel/kprobes.c: within_kprobe_blacklist).
//
// Module list order: the kernel lists modules newest first. Each Add call
// counts as one module load: modules new in it go ahead of the others, in
// the order of the call. WriteKallsyms prints the kernel's symbols in
// address order, then each module's symbols in the order they were added,
// as /proc/kallsyms does (kernel/kallsyms.c: s_show,
// kernel/module/kallsyms.c: module_get_kallsym).
//
// Not modelled: the compressed in-kernel encoding, BPF and ftrace
// trampoline symbols (they can be added as modules named "bpf" or
// "__builtin__ftrace"), build IDs (%pSb), and the module type letters
// that depend on exports (/proc/kallsyms prints a module symbol upper case
// when exported; AddImage uses nm's letters).
package symbols
