package difftest

import (
	"fmt"
	"sync"

	"github.com/kpemu/kpemu/arm64"
	"github.com/kpemu/kpemu/emu"
)

// Model is a CPU configuration both engines can be put in: a Unicorn CPU
// model and the interpreter features that match it. The features of the
// two must agree on every instruction the tester generates, or a
// difference is a configuration artefact, not a bug.
type Model uint8

const (
	// A72 is Unicorn's Cortex-A72: Armv8.0 with CRC32 (ID_AA64ISAR0_EL1
	// 0x11120), no LSE, no LRCPC, no FEAT_PAuth. The interpreter runs with
	// FEAT_CRC32 only.
	A72 Model = iota
	// MAX is Unicorn's "max" (QEMU 5.0): everything QEMU implemented,
	// including FEAT_LSE, FEAT_LRCPC(2), FEAT_SB, FEAT_CRC32 and FEAT_PAuth
	// (ID_AA64ISAR0_EL1 0x1021111110212120, ID_AA64ISAR1_EL1
	// 0x11101211012). The interpreter runs with LSE, CRC32, LRCPC and SB;
	// it has no FEAT_PAuth, so the PAC hint forms are excluded on MAX
	// (see exclusions).
	MAX
	numModels
)

func (m Model) String() string {
	switch m {
	case A72:
		return "A72"
	case MAX:
		return "MAX"
	}
	return fmt.Sprintf("Model(%d)", uint8(m))
}

// Features returns the interpreter features that match the model.
func (m Model) Features() emu.Features {
	switch m {
	case MAX:
		return emu.Features{LSE: true, CRC32: true, LRCPC: true, SB: true}
	default:
		return emu.Features{CRC32: true}
	}
}

// Classes are the instruction classes the tester generates, in report
// order.
var Classes = []arm64.Class{
	arm64.ClassDPImm, arm64.ClassDPReg, arm64.ClassBranch,
	arm64.ClassLdSt, arm64.ClassSIMDLdSt, arm64.ClassSIMD,
}

// ClassModel is the CPU model each class runs on. A program is generated
// for one class: its instructions come mostly from that class and the rest
// from any class, all of them valid on the class's model (see Generator).
//
//	class                         model  why
//	data processing (immediate)   A72    Armv8.0 only
//	data processing (register)    A72    Armv8.0 + CRC32, both have it
//	branches, exception, system   A72    no FEAT_PAuth: the PAC hints are NOPs
//	                                     on both (the interpreter has no PAuth)
//	loads and stores              MAX    LSE atomics, LDAPR (FEAT_LRCPC)
//	loads and stores (FP/SIMD)    A72    Armv8.0 only
//	scalar FP and advanced SIMD   MAX    the interpreter models an Armv8.2
//	                                     CPU; MAX has every FP/SIMD extension
//	                                     it may implement (FP16, RDM, DotProd)
var ClassModel = map[arm64.Class]Model{
	arm64.ClassDPImm:    A72,
	arm64.ClassDPReg:    A72,
	arm64.ClassBranch:   A72,
	arm64.ClassLdSt:     MAX,
	arm64.ClassSIMDLdSt: A72,
	arm64.ClassSIMD:     MAX,
}

// executors holds one interpreter per model for Executes queries (the
// generator's filter); they are never run.
var (
	executorsOnce sync.Once
	executors     [numModels]*emu.Machine
)

func executor(m Model) *emu.Machine {
	executorsOnce.Do(func() {
		for i := range executors {
			f := Model(i).Features()
			mc, err := emu.New(&emu.Config{Features: &f})
			if err != nil {
				panic(fmt.Sprintf("difftest: interpreter for %v: %v", Model(i), err))
			}
			executors[i] = mc
		}
	})
	return executors[m]
}
