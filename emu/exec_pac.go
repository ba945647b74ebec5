package emu

import "github.com/kpemu/kpemu/arm64"

// Pointer authentication outside the hint space (arm64/decode_pac.go):
// PACIA..AUTDB, PACIZA..AUTDZB, XPACI, XPACD, PACGA, LDRAA and LDRAB. They
// exist only with FEAT_PAuth; without it they are UNDEFINED (Arm ARM C6.2,
// PACIA: "if !IsFeatureImplemented(FEAT_PAuth) then UNDEFINED", and so for
// each of them). The hint forms (PACIASP, AUTIASP, XPACLRI, ...) are NOPs
// then (exec_system.go), the authenticated branches UNDEFINED
// (exec_branch.go).

func init() {
	pauth := func(f *Features) bool { return f.PAuth }
	for _, op := range []arm64.Op{
		arm64.PACIA, arm64.PACIB, arm64.PACDA, arm64.PACDB,
		arm64.AUTIA, arm64.AUTIB, arm64.AUTDA, arm64.AUTDB,
		arm64.PACIZA, arm64.PACIZB, arm64.PACDZA, arm64.PACDZB,
		arm64.AUTIZA, arm64.AUTIZB, arm64.AUTDZA, arm64.AUTDZB,
		arm64.XPACI, arm64.XPACD, arm64.PACGA, arm64.LDRAA, arm64.LDRAB,
	} {
		defineExecFeature(op, pauth, execPAuth)
	}
}

// execPAuth stands for the PAC instructions on a machine with FEAT_PAuth,
// which kpemu does not implement: it has no pointer authentication
// algorithm (neither QARMA nor an IMPLEMENTATION DEFINED one, the Arm ARM's
// ComputePAC), no keys (APIAKey_EL1, ...) and no SCTLR_EL1.En* controls, so
// it cannot compute, check or strip a PAC honestly. New refuses
// Features.PAuth, so this is never reached; should a feature table ever be
// built with PAuth on, the instruction stays UNDEFINED rather than
// becoming a NOP or a load that skips authentication.
func execPAuth(c *CPU, _ *arm64.Inst) { c.undefined() }
