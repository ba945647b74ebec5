package corpusgen

// Sets shared by every class: registers of each kind and the branch and
// literal targets. Each value was chosen for an edge: the first and last
// register numbers, the zero register or the stack pointer, the largest
// reach of a branch.

func init() {
	AddSet("X", "x0", "x17", "x30", "xzr")
	AddSet("X|SP", "x0", "x9", "x30", "sp")
	AddSet("W", "w0", "w17", "w30", "wzr")
	AddSet("W|WSP", "w0", "w9", "w30", "wsp")
	// Registers where neither the zero register nor SP is allowed.
	AddSet("Xr", "x0", "x17", "x30")
	AddSet("Wr", "w0", "w17", "w30")
	// Fewer values for the operands of wide products (memory operands).
	AddSet("Xt", "x0", "x29", "xzr")
	AddSet("Wt", "w0", "w29", "wzr")
	AddSet("Xbase", "x1", "x30", "sp")
	AddSet("Xm", "x2", "xzr")
	AddSet("Wm", "w2", "wzr")

	// Targets. hdr_text is the start of .text, so it is only used where
	// the reach is large; ext_sym is undefined (a relocation).
	AddSet("label26", ".", ".+8", ".-0x40", ".+0x7fffffc", ".-0x8000000", "hdr_text", "hdr_data", "ext_sym", "ext_sym+0x10", "1f", "1b")
	AddSet("label19", ".", ".+8", ".-0x40", ".+0xffffc", ".-0x100000", "hdr_text", "hdr_data+8", "ext_sym", "ext_sym-4")
	AddSet("label14", ".", ".+8", ".-0x40", ".+0x7ffc", ".-0x8000", "ext_sym", "ext_sym+4")
	AddSet("label21", ".", ".+3", ".-0x41", ".+0xfffff", ".-0x100000", "hdr_text", "hdr_data+1", "ext_sym", "ext_sym+2")
}
