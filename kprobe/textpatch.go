package kprobe

import "fmt"

// PatchText is aarch64_insn_patch_text for one word: it writes insn at
// addr in the machine's memory, whatever the page permissions (the kernel
// writes through a writable fixmap alias of read-only text), as one
// aligned 32-bit store, and makes every CPU's instruction fetch see it.
// The kernel does the latter with caches_clean_inval_pou (DC CVAU, IC
// IVAU) and an ISB on every CPU under stop_machine; emu's host-side
// Memory.Write invalidates the decoded instructions of the page at once,
// which is what that maintenance achieves, so a patched word is fetched
// correctly under emu.Config.StrictICache too.
func (s *Subsystem) PatchText(addr uint64, insn uint32) error {
	s.mightSleep("aarch64_insn_patch_text")
	if addr&3 != 0 {
		return errorf("aarch64_insn_patch_text", EINVAL, "address %#x is not 4-byte aligned", addr)
	}
	if err := s.m.Memory().WriteU32(addr, insn); err != nil {
		return errorf("aarch64_insn_patch_text", EFAULT, "%v", err)
	}
	return nil
}

// readInsn reads the word at addr (aarch64_insn_read).
func (s *Subsystem) readInsn(addr uint64) (uint32, bool) {
	w, err := s.m.Memory().ReadU32(addr)
	return w, err == nil
}

func wordString(w uint32) string { return fmt.Sprintf("%#08x", w) }
