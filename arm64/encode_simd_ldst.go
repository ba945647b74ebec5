package arm64

import "fmt"

// Encoders of the loads and stores of FP/SIMD registers
// (decode_simd_ldst.go): LDR/STR of B..Q registers, the pairs, and the
// Advanced SIMD structure loads and stores. Arm ARM C4.1 "Loads and
// Stores" (V = 1) and C7.2 LD1..LD4, ST1..ST4, LD1R..LD4R.

func init() {
	for _, op := range []Op{LDRimmFP, STRimmFP, LDURFP, STURFP} {
		registerEncoder(op, encodeFPLdStImm)
	}
	registerEncoder(LDRregFP, encodeFPLdStReg)
	registerEncoder(STRregFP, encodeFPLdStReg)
	registerEncoder(LDRlitFP, encodeFPLdrLit)
	for _, op := range []Op{LDPFP, STPFP, LDNPFP, STNPFP} {
		registerEncoder(op, encodeFPPair)
	}
	for op := LD1mult; op <= ST4mult; op++ {
		registerEncoder(op, encodeLdStMulti)
	}
	for op := LD1single; op <= ST4single; op++ {
		registerEncoder(op, encodeLdStSingle)
	}
	for op := LD1R; op <= LD4R; op++ {
		registerEncoder(op, encodeLdStRepl)
	}
}

// lsVReg returns the field value of a V register operand, V0..V31.
func lsVReg(in *Inst, name string, r Reg) (uint32, error) {
	if r > 31 {
		return 0, encodeError(in.Op, "%s is Reg(%d), want v0..v31", name, uint8(r))
	}
	return uint32(r), nil
}

// lsFPRegs returns the Rn (base) and Rt (V register) fields, placed.
func lsFPRegs(in *Inst) (uint32, error) {
	n, err := lsRegSP(in, "base register Rn", in.Rn)
	if err != nil {
		return 0, err
	}
	t, err := lsVReg(in, "transfer register Rt", in.Rt)
	if err != nil {
		return 0, err
	}
	return n<<5 | t, nil
}

// lsFPSizeOpc returns size (bits 31:30) and opc (bits 23:22) of LDR/STR
// (SIMD&FP): the register size is opc<1>:size, Q being opc<1> = 1 with
// size 00; opc<0> is the load bit.
func lsFPSizeOpc(in *Inst, load bool) (uint32, error) {
	if in.Size > 4 {
		return 0, encodeError(in.Op, "Size %d, want 0..4 (B, H, S, D, Q)", in.Size)
	}
	w := uint32(in.Size&3)<<30 | lsBool(load)<<22
	if in.Size == 4 {
		w |= 1 << 23
	}
	return w, nil
}

func lsFPIsLoad(op Op) bool {
	switch op {
	case LDRimmFP, LDURFP, LDRregFP, LDRlitFP, LDPFP, LDNPFP:
		return true
	}
	return false
}

// encodeFPLdStImm encodes LDR/STR (immediate, SIMD&FP): unsigned offset
// (size 111 1 01 opc imm12 Rn Rt, imm12 scaled by the register size),
// post-index (size 111 1 00 opc 0 imm9 01 Rn Rt) and pre-index (... 11),
// and LDUR/STUR (SIMD&FP) (... 00).
func encodeFPLdStImm(in *Inst) (uint32, error) {
	if err := lsCheckUnused(in, lsHasRn|lsHasRt|lsHasSize|lsHasImm|lsHasMode); err != nil {
		return 0, err
	}
	unscaled := in.Op == LDURFP || in.Op == STURFP
	var err error
	if unscaled {
		err = lsCheckMode(in, AddrOffset)
	} else {
		err = lsCheckMode(in, AddrOffset, AddrPreIndex, AddrPostIndex)
	}
	if err != nil {
		return 0, err
	}
	sizeOpc, err := lsFPSizeOpc(in, lsFPIsLoad(in.Op))
	if err != nil {
		return 0, err
	}
	regs, err := lsFPRegs(in)
	if err != nil {
		return 0, err
	}
	if in.Mode == AddrOffset && !unscaled {
		imm12, err := lsUimm(in, "offset", in.Imm, uint(in.Size), 12)
		if err != nil {
			return 0, err
		}
		return 0x3d000000 | sizeOpc | imm12<<10 | regs, nil
	}
	imm9, err := lsSimm(in, "offset", in.Imm, 0, 9)
	if err != nil {
		return 0, err
	}
	var idx uint32 // LDUR, STUR
	switch in.Mode {
	case AddrPostIndex:
		idx = 0b01
	case AddrPreIndex:
		idx = 0b11
	}
	return 0x3c000000 | sizeOpc | imm9<<12 | idx<<10 | regs, nil
}

// encodeFPLdStReg encodes LDR/STR (register, SIMD&FP): size 111 1 00 opc 1
// Rm option S 10 Rn Rt; Imm2 is S of a B register access.
func encodeFPLdStReg(in *Inst) (uint32, error) {
	if err := lsCheckUnused(in, lsHasRn|lsHasRt|lsHasRm|lsHasSize|lsHasExt|lsHasAmount|lsHasMode|lsHasImm2); err != nil {
		return 0, err
	}
	if err := lsCheckMode(in, AddrRegOffset); err != nil {
		return 0, err
	}
	sizeOpc, err := lsFPSizeOpc(in, in.Op == LDRregFP)
	if err != nil {
		return 0, err
	}
	regs, err := lsFPRegs(in)
	if err != nil {
		return 0, err
	}
	off, err := lsLdStRegOffset(in, in.Size, in.Imm2)
	if err != nil {
		return 0, err
	}
	return 0x3c200800 | sizeOpc | off | regs, nil
}

// encodeFPLdrLit encodes LDR (literal, SIMD&FP): opc 011 1 00 imm19 Rt,
// opc 00 S, 01 D, 10 Q.
func encodeFPLdrLit(in *Inst) (uint32, error) {
	if err := lsCheckUnused(in, lsHasRt|lsHasSize|lsHasImm|lsHasMode); err != nil {
		return 0, err
	}
	if err := lsCheckMode(in, AddrLiteral); err != nil {
		return 0, err
	}
	if in.Size < 2 || in.Size > 4 {
		return 0, encodeError(in.Op, "Size %d, want 2..4 (S, D, Q)", in.Size)
	}
	t, err := lsVReg(in, "transfer register Rt", in.Rt)
	if err != nil {
		return 0, err
	}
	imm19, err := lsSimm(in, "literal offset", in.Imm, 2, 19)
	if err != nil {
		return 0, err
	}
	return 0x1c000000 | uint32(in.Size-2)<<30 | imm19<<5 | t, nil
}

// encodeFPPair encodes LDP/STP (SIMD&FP): opc 101 1 idx L imm7 Rt2 Rn Rt,
// idx 01 post-index, 10 offset, 11 pre-index; and LDNP/STNP (SIMD&FP),
// idx 00. opc 00 S, 01 D, 10 Q; imm7 is scaled by the register size.
func encodeFPPair(in *Inst) (uint32, error) {
	if err := lsCheckUnused(in, lsHasRn|lsHasRt|lsHasRt2|lsHasSize|lsHasImm|lsHasMode); err != nil {
		return 0, err
	}
	idx, err := lsPairIdx(in, in.Op == LDNPFP || in.Op == STNPFP)
	if err != nil {
		return 0, err
	}
	if in.Size < 2 || in.Size > 4 {
		return 0, encodeError(in.Op, "Size %d, want 2..4 (S, D, Q pair)", in.Size)
	}
	regs, err := lsFPRegs(in)
	if err != nil {
		return 0, err
	}
	t2, err := lsVReg(in, "second transfer register Rt2", in.Rt2)
	if err != nil {
		return 0, err
	}
	imm7, err := lsSimm(in, "offset", in.Imm, uint(in.Size), 7)
	if err != nil {
		return 0, err
	}
	return 0x2c000000 | uint32(in.Size-2)<<30 | idx<<23 | lsBool(lsFPIsLoad(in.Op))<<22 |
		imm7<<15 | t2<<10 | regs, nil
}

// lsStructPost returns the post-index bit (23) and the Rm field of a
// structure load or store: Mode AddrNone is the no-offset form (Rm field
// 0), AddrPostIndex either a register increment (Rm X0..X30, Imm 0) or the
// immediate form (Rm = ZR, encoded 31), whose increment must be the bytes
// transferred.
func lsStructPost(in *Inst, bytes int64) (uint32, error) {
	if err := lsCheckMode(in, AddrNone, AddrPostIndex); err != nil {
		return 0, err
	}
	if in.Mode == AddrNone {
		if in.Rm != 0 || in.Imm != 0 {
			return 0, encodeError(in.Op, "without post-index there is no increment: Rm %s, Imm %d",
				lsRegName(in.Rm), in.Imm)
		}
		return 0, nil
	}
	switch {
	case in.Rm == ZR && in.Imm != bytes:
		return 0, encodeError(in.Op, "post-index immediate %d, want %d (the bytes transferred)", in.Imm, bytes)
	case in.Rm == ZR:
		return 1<<23 | 31<<16, nil
	case in.Rm > ZR:
		return 0, encodeError(in.Op, "post-index register Rm is %s, want x0..x30 (or xzr for the immediate form)",
			lsRegName(in.Rm))
	case in.Imm != 0:
		return 0, encodeError(in.Op, "post-index by register %s with Imm %d: the increment is the register alone",
			lsRegName(in.Rm), in.Imm)
	}
	return 1<<23 | uint32(in.Rm)<<16, nil
}

// lsMultiOpcode is the opcode (bits 15:12) of the multiple-structure forms
// by the registers of a structure (the n of LDn) and the registers in the
// list: Arm ARM C7.2 LD1 (multiple structures) and relatives.
func lsMultiOpcode(n, regs int) (uint32, bool) {
	switch {
	case n == 4 && regs == 4:
		return 0b0000, true
	case n == 3 && regs == 3:
		return 0b0100, true
	case n == 2 && regs == 2:
		return 0b1000, true
	case n == 1 && regs >= 1 && regs <= 4:
		return [...]uint32{0b0111, 0b1010, 0b0110, 0b0010}[regs-1], true
	}
	return 0, false
}

// encodeLdStMulti encodes LD1..LD4 and ST1..ST4 (multiple structures):
// 0 Q 001100 0 L 000000 opcode size Rn Rt (no offset) and 0 Q 001100 1 L 0
// Rm opcode size Rn Rt (post-index). Size is the element size, Sf the Q
// bit, Imm2 the number of registers.
func encodeLdStMulti(in *Inst) (uint32, error) {
	if err := lsCheckUnused(in, lsHasRn|lsHasRt|lsHasRm|lsHasSize|lsHasSf|lsHasImm|lsHasImm2|lsHasMode); err != nil {
		return 0, err
	}
	n := StructRegs(in.Op)
	opcode, ok := lsMultiOpcode(n, int(in.Imm2))
	if !ok {
		want := fmt.Sprintf("%d", n)
		if n == 1 {
			want = "1..4"
		}
		return 0, encodeError(in.Op, "register count Imm2 %d, want %s", in.Imm2, want)
	}
	if in.Size > 3 {
		return 0, encodeError(in.Op, "element Size %d, want 0..3 (B, H, S, D)", in.Size)
	}
	if in.Size == 3 && !in.Sf && n != 1 {
		return 0, encodeError(in.Op, "arrangement 1D (Size 3 without Sf): only LD1/ST1 have it")
	}
	regs, err := lsFPRegs(in)
	if err != nil {
		return 0, err
	}
	bytes := int64(8)
	if in.Sf {
		bytes = 16
	}
	post, err := lsStructPost(in, bytes*in.Imm2)
	if err != nil {
		return 0, err
	}
	load := in.Op <= LD4mult
	return 0x0c000000 | lsBool(in.Sf)<<30 | post | lsBool(load)<<22 | opcode<<12 |
		uint32(in.Size)<<10 | regs, nil
}

// lsStructOpcode returns the fields shared by the single-structure and
// replicating forms: R (bit 21) and opcode<0> (bit 13), which together are
// n-1.
func lsStructOpcode(n int) uint32 {
	return uint32(n-1)&1<<21 | uint32(n-1)>>1<<13
}

// encodeLdStSingle encodes LD1..LD4 and ST1..ST4 (single structure): 0 Q
// 001101 p L R Rm opcode S size Rn Rt, opcode<2:1> the element size (00
// B, 01 H, 10 S and D); the lane index Imm2 is spread over Q:S:size.
func encodeLdStSingle(in *Inst) (uint32, error) {
	if err := lsCheckUnused(in, lsHasRn|lsHasRt|lsHasRm|lsHasSize|lsHasImm|lsHasImm2|lsHasMode); err != nil {
		return 0, err
	}
	if in.Size > 3 {
		return 0, encodeError(in.Op, "element Size %d, want 0..3 (B, H, S, D)", in.Size)
	}
	lanes := int64(16) >> in.Size
	if in.Imm2 < 0 || in.Imm2 >= lanes {
		return 0, encodeError(in.Op, "lane index Imm2 %d is not in 0..%d", in.Imm2, lanes-1)
	}
	idx := uint32(in.Imm2)
	var qss, scale uint32 // Q:S:size, opcode<2:1>
	switch in.Size {
	case 0:
		qss, scale = idx, 0
	case 1:
		qss, scale = idx<<1, 1
	case 2:
		qss, scale = idx<<2, 2
	case 3:
		qss, scale = idx<<3|1, 2
	}
	regs, err := lsFPRegs(in)
	if err != nil {
		return 0, err
	}
	n := StructRegs(in.Op)
	post, err := lsStructPost(in, int64(n)<<in.Size)
	if err != nil {
		return 0, err
	}
	load := in.Op <= LD4single
	return 0x0d000000 | (qss>>3)<<30 | post | lsBool(load)<<22 | lsStructOpcode(n) | scale<<14 |
		(qss>>2&1)<<12 | (qss&3)<<10 | regs, nil
}

// encodeLdStRepl encodes LD1R..LD4R: 0 Q 001101 p 1 R Rm 11 x 0 size Rn
// Rt; Size is the element size, Sf the Q bit.
func encodeLdStRepl(in *Inst) (uint32, error) {
	if err := lsCheckUnused(in, lsHasRn|lsHasRt|lsHasRm|lsHasSize|lsHasSf|lsHasImm|lsHasMode); err != nil {
		return 0, err
	}
	if in.Size > 3 {
		return 0, encodeError(in.Op, "element Size %d, want 0..3 (B, H, S, D)", in.Size)
	}
	regs, err := lsFPRegs(in)
	if err != nil {
		return 0, err
	}
	n := StructRegs(in.Op)
	post, err := lsStructPost(in, int64(n)<<in.Size)
	if err != nil {
		return 0, err
	}
	return 0x0d40c000 | lsBool(in.Sf)<<30 | post | lsStructOpcode(n) | uint32(in.Size)<<10 | regs, nil
}
