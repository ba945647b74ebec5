package kprobe

// Version is a kernel-version profile: the behaviour switches that differ
// between the Linux releases kpemu models, as data. Each switch is named
// after the kernel change that introduced the behaviour and is true for
// kernels that have it. The profiles below name mainline releases except
// V6_12, which is the 6.12 stable series as checked against 6.12.107.
// Stable backports of single fixes to older series are not modelled.
type Version struct {
	Name string

	// PtrauthNotSteppable: "arm64: kprobe: disable probe of ptrauth
	// instruction" (kernel pointer-authentication series, v5.7). The
	// steppable-hint whitelist (aarch64_insn_is_steppable_hint) replaces
	// the old "any hint but YIELD/WFE/WFI/SEV/SEVL" rule
	// (aarch64_insn_is_nop of v5.4), so AUTI* and the other non-listed
	// hints become REJECTED; ERETAA/ERETAB (aarch64_insn_is_eret_auth) and
	// the PAC branches BRAA/BLRAA/RETAA... (the *_auth tests inside
	// aarch64_insn_is_branch) stop being stepped out of line.
	PtrauthNotSteppable bool

	// LiteralLoadsKprobeOnly: "arm64: probes: Remove broken LDR (literal)
	// uprobe support" (v6.12, CVE-2024-50099). LDR/LDRSW (literal) are
	// recognised in arm_kprobe_decode_insn before the shared decoder, so
	// the shared decoder (uprobes) rejects them.
	LiteralLoadsKprobeOnly bool

	// SizedLiteralLoads: "arm64: probes: Fix simulate_ldr*_literal()"
	// (v6.12). Before it, simulate_ldr_literal read 8 bytes for the W form
	// and truncated; the value is the same, the access width is not.
	SizedLiteralLoads bool

	// MOPSRejected: "arm64: probes: Disable kprobes/uprobes on MOPS
	// instructions" (v6.14, in the 6.12 stable series). CPY*/SET*
	// (aarch64_insn_is_mops) are not steppable, hence REJECTED.
	MOPSRejected bool

	// BCondMatchesBC: the aarch64_insn_is_bcond mask widened from
	// 0xFF000010 to 0xFF000000 (v6.14, in the 6.12 stable series), so
	// BC.cond (FEAT_HBC) is a branch, simulated by simulate_b_cond. With the
	// old mask BC.cond is steppable and goes out of line.
	BCondMatchesBC bool

	// SimulateNop: "arm64: kprobes: Simulate nop instruction for better
	// uprobe performance" (v6.13). NOP is simulated by simulate_nop
	// instead of being stepped out of line.
	SimulateNop bool

	// SplitRet: RET gets its own simulate_ret, split from
	// simulate_br_blr_ret when GCS support came to probes (about v6.16).
	// The kernel-mode behaviour is unchanged; only the handler name
	// differs.
	SplitRet bool
}

// The profiles. Default is the newest behaviour.
var (
	V5_4 = Version{Name: "v5.4"}
	V6_1 = Version{Name: "v6.1", PtrauthNotSteppable: true}
	// V6_12 is the 6.12 stable series (6.12.107): the v6.12 literal-load
	// fixes plus the MOPS and B.cond-mask changes backported from v6.14,
	// without the v6.13 NOP simulation.
	V6_12 = Version{Name: "v6.12", PtrauthNotSteppable: true,
		LiteralLoadsKprobeOnly: true, SizedLiteralLoads: true,
		MOPSRejected: true, BCondMatchesBC: true}
	V6_17 = Version{Name: "v6.17", PtrauthNotSteppable: true,
		LiteralLoadsKprobeOnly: true, SizedLiteralLoads: true,
		MOPSRejected: true, BCondMatchesBC: true,
		SimulateNop: true, SplitRet: true}

	Default = V6_17
)

// Versions lists the profiles, oldest first.
func Versions() []Version { return []Version{V5_4, V6_1, V6_12, V6_17} }

// VersionByName returns the profile named name ("v6.12"; "6.12" works too).
func VersionByName(name string) (Version, bool) {
	for _, v := range Versions() {
		if v.Name == name || v.Name == "v"+name {
			return v, true
		}
	}
	return Version{}, false
}

func (v Version) String() string { return v.Name }
