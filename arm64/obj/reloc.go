package obj

// RelocType is an ELF relocation type for AArch64, numbered as the ELF
// for the Arm 64-bit Architecture (AAELF64) document numbers them, so
// that the values read from and written to ELF files need no mapping.
type RelocType uint32

// The relocation types kpemu handles: what compilers and assemblers emit
// for kernel-style and static user code.
const (
	R_AARCH64_NONE                RelocType = 0
	R_AARCH64_ABS64               RelocType = 257
	R_AARCH64_ABS32               RelocType = 258
	R_AARCH64_ABS16               RelocType = 259
	R_AARCH64_PREL64              RelocType = 260
	R_AARCH64_PREL32              RelocType = 261
	R_AARCH64_PREL16              RelocType = 262
	R_AARCH64_MOVW_UABS_G0        RelocType = 263
	R_AARCH64_MOVW_UABS_G0_NC     RelocType = 264
	R_AARCH64_MOVW_UABS_G1        RelocType = 265
	R_AARCH64_MOVW_UABS_G1_NC     RelocType = 266
	R_AARCH64_MOVW_UABS_G2        RelocType = 267
	R_AARCH64_MOVW_UABS_G2_NC     RelocType = 268
	R_AARCH64_MOVW_UABS_G3        RelocType = 269
	R_AARCH64_LD_PREL_LO19        RelocType = 273
	R_AARCH64_ADR_PREL_LO21       RelocType = 274
	R_AARCH64_ADR_PREL_PG_HI21    RelocType = 275
	R_AARCH64_ADR_PREL_PG_HI21_NC RelocType = 276
	R_AARCH64_ADD_ABS_LO12_NC     RelocType = 277
	R_AARCH64_LDST8_ABS_LO12_NC   RelocType = 278
	R_AARCH64_TSTBR14             RelocType = 279
	R_AARCH64_CONDBR19            RelocType = 280
	R_AARCH64_JUMP26              RelocType = 282
	R_AARCH64_CALL26              RelocType = 283
	R_AARCH64_LDST16_ABS_LO12_NC  RelocType = 284
	R_AARCH64_LDST32_ABS_LO12_NC  RelocType = 285
	R_AARCH64_LDST64_ABS_LO12_NC  RelocType = 286
	R_AARCH64_LDST128_ABS_LO12_NC RelocType = 299
	R_AARCH64_RELATIVE            RelocType = 1027
)
