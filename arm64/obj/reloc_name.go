package obj

import (
	"debug/elf"
	"fmt"
	"strings"
)

// relocNames are the AAELF64 names of the types kpemu applies.
var relocNames = map[RelocType]string{
	R_AARCH64_NONE:                "R_AARCH64_NONE",
	R_AARCH64_ABS64:               "R_AARCH64_ABS64",
	R_AARCH64_ABS32:               "R_AARCH64_ABS32",
	R_AARCH64_ABS16:               "R_AARCH64_ABS16",
	R_AARCH64_PREL64:              "R_AARCH64_PREL64",
	R_AARCH64_PREL32:              "R_AARCH64_PREL32",
	R_AARCH64_PREL16:              "R_AARCH64_PREL16",
	R_AARCH64_MOVW_UABS_G0:        "R_AARCH64_MOVW_UABS_G0",
	R_AARCH64_MOVW_UABS_G0_NC:     "R_AARCH64_MOVW_UABS_G0_NC",
	R_AARCH64_MOVW_UABS_G1:        "R_AARCH64_MOVW_UABS_G1",
	R_AARCH64_MOVW_UABS_G1_NC:     "R_AARCH64_MOVW_UABS_G1_NC",
	R_AARCH64_MOVW_UABS_G2:        "R_AARCH64_MOVW_UABS_G2",
	R_AARCH64_MOVW_UABS_G2_NC:     "R_AARCH64_MOVW_UABS_G2_NC",
	R_AARCH64_MOVW_UABS_G3:        "R_AARCH64_MOVW_UABS_G3",
	R_AARCH64_LD_PREL_LO19:        "R_AARCH64_LD_PREL_LO19",
	R_AARCH64_ADR_PREL_LO21:       "R_AARCH64_ADR_PREL_LO21",
	R_AARCH64_ADR_PREL_PG_HI21:    "R_AARCH64_ADR_PREL_PG_HI21",
	R_AARCH64_ADR_PREL_PG_HI21_NC: "R_AARCH64_ADR_PREL_PG_HI21_NC",
	R_AARCH64_ADD_ABS_LO12_NC:     "R_AARCH64_ADD_ABS_LO12_NC",
	R_AARCH64_LDST8_ABS_LO12_NC:   "R_AARCH64_LDST8_ABS_LO12_NC",
	R_AARCH64_TSTBR14:             "R_AARCH64_TSTBR14",
	R_AARCH64_CONDBR19:            "R_AARCH64_CONDBR19",
	R_AARCH64_JUMP26:              "R_AARCH64_JUMP26",
	R_AARCH64_CALL26:              "R_AARCH64_CALL26",
	R_AARCH64_LDST16_ABS_LO12_NC:  "R_AARCH64_LDST16_ABS_LO12_NC",
	R_AARCH64_LDST32_ABS_LO12_NC:  "R_AARCH64_LDST32_ABS_LO12_NC",
	R_AARCH64_LDST64_ABS_LO12_NC:  "R_AARCH64_LDST64_ABS_LO12_NC",
	R_AARCH64_LDST128_ABS_LO12_NC: "R_AARCH64_LDST128_ABS_LO12_NC",
	R_AARCH64_RELATIVE:            "R_AARCH64_RELATIVE",
}

// String returns the ELF name of the relocation type. Types kpemu does not
// apply still get their AAELF64 name (from debug/elf's table), so that an
// error about one names it; a number no table knows prints as
// R_AARCH64_<number>.
func (t RelocType) String() string {
	if s, ok := relocNames[t]; ok {
		return s
	}
	// debug/elf prints a number it does not know as the nearest name
	// below it plus the difference ("R_AARCH64_IRELATIVE+8967").
	if s := elf.R_AARCH64(t).String(); !strings.ContainsAny(s, "+(") {
		return s
	}
	return fmt.Sprintf("R_AARCH64_%d", uint32(t))
}

// Supported reports whether Apply and the linker handle the type.
func (t RelocType) Supported() bool {
	_, ok := relocNames[t]
	return ok
}
