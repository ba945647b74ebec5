// Package difftest tests kpemu's interpreter (package emu) against Unicorn
// (package emu/unicorn, build tag unicorn), instruction by instruction.
//
// # Design
//
// Engine is the small machine interface both engines implement: map and
// access memory, set and get the compared State (X0..X30, SP, PC, NZCV,
// V0..V31, FPCR, FPSR, the thread pointers), step one instruction and say
// which exception it raised, if any, in the terms both can report
// (Exception: the kind, and the fault address, direction and class where
// the engine knows them). Interp adapts the interpreter; Unicorn (build tag
// unicorn) adapts the oracle and carries the handling of every known
// Unicorn divergence listed in Divergences.
//
// Both run at EL1h with DAIF masked, without SP alignment checking (QEMU
// does not implement SCTLR_EL1.SA), in one memory layout: a code page at
// CodeBase (the program, then zeros, which are UDF #0), a page holding one
// CLREX that Reset runs to clear the exclusive monitor, a two-page data
// window at DataBase and a read-only page after it. Addresses are low
// because Unicorn runs with the MMU off.
//
// A Generator makes random valid words for one Model from the decode
// tables (arm64.Encodings): the fixed bits of a row plus random free bits,
// biased toward a few registers, short branches, offsets into the window
// and the compared system registers, kept when arm64.Decode takes the word
// through that same row, the interpreter executes the op with the model's
// features, no exclusion applies (exclude.go: state the engines do not
// share, EL or translation changes, PAC hints on a model with FEAT_PAuth,
// Unicorn bugs) and the operands are not CONSTRAINED UNPREDICTABLE. The
// model is chosen per class (ClassModel): A72 (Armv8.0 + CRC32) where the
// interpreter's Armv8.0 behaviour is meant, MAX where LSE, LRCPC or the
// later FP/SIMD extensions are needed.
//
// A Program is 1..16 words with a random initial state (registers biased
// to 0, 1, -1, the integer limits, small numbers, addresses in the window,
// some unaligned or at a page end, code addresses; special floating-point
// values; random flags) and random window contents. The Runner loads it on
// both engines and steps them in lock step: after every instruction it
// compares the exception, all of State, and the window (after every
// instruction that can write memory, and at the end). The first exception
// ends the run (the fetch after the last instruction is a UDF, so it
// always ends with one, or after MaxSteps). A mismatch is shrunk
// (Runner.Shrink: drop instructions, zero registers and memory while the
// same instruction still mismatches) and printed with the disassembly, the
// initial state and the differing fields.
//
// # Running
//
//	go test ./emu/difftest                              # generator and harness, interpreter only
//	go test -tags unicorn ./emu/difftest                # + the differential suite (libunicorn-dev)
//	go test -tags unicorn -run TestDifferential ./emu/difftest -difftest.n=1000000 -v
//	go test -tags unicorn -run '^$' -fuzz FuzzDifferential ./emu/difftest
//
// -difftest.n sets the instructions TestDifferential runs (default 200000,
// 20000 with -short), -difftest.seed the seed (program i of a run is
// generated from the seed and i alone), -difftest.v logs per-op counts.
// Without the unicorn tag, TestUnicornOracle skips and says how to run the
// suite; with KPEMU_REQUIRE_ORACLES=1 it fails instead.
//
// Mismatches excluded for now are listed, with their reasons, in
// known_test.go; the interpreter bugs among them are for the owners of the
// executors to fix.
package difftest
