//go:build unicorn

// C side of the binding. Unicorn's uc_hook_add and uc_ctl are variadic, which
// cgo cannot call, so they are wrapped here with fixed signatures. The hook
// callbacks forward to Go trampolines (exported from hooks.go) and carry only
// an integer handle as user data: no Go pointer ever reaches C.

#include <stdint.h>
#include <stdbool.h>
#include <unicorn/unicorn.h>

#include "shim.h"
#include "_cgo_export.h"

static void kp_cb_code(uc_engine *uc, uint64_t addr, uint32_t size, void *ud) {
	(void)uc;
	kpGoHookCode((uintptr_t)ud, addr, size);
}

static void kp_cb_intr(uc_engine *uc, uint32_t intno, void *ud) {
	(void)uc;
	kpGoHookIntr((uintptr_t)ud, intno);
}

static bool kp_cb_mem_invalid(uc_engine *uc, uc_mem_type type, uint64_t addr,
                              int size, int64_t value, void *ud) {
	(void)uc;
	return kpGoHookMemInvalid((uintptr_t)ud, (int)type, addr, size, value) != 0;
}

static void kp_cb_mem(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
                      int64_t value, void *ud) {
	(void)uc;
	kpGoHookMem((uintptr_t)ud, (int)type, addr, size, value);
}

static bool kp_cb_insn_invalid(uc_engine *uc, void *ud) {
	(void)uc;
	return kpGoHookInsnInvalid((uintptr_t)ud) != 0;
}

uc_err kp_hook_add(uc_engine *uc, uc_hook *hh, int type, int kind, uintptr_t id,
                   uint64_t begin, uint64_t end) {
	void *cb;
	switch (kind) {
	case KP_CB_CODE:
		cb = (void *)kp_cb_code;
		break;
	case KP_CB_INTR:
		cb = (void *)kp_cb_intr;
		break;
	case KP_CB_MEM_INVALID:
		cb = (void *)kp_cb_mem_invalid;
		break;
	case KP_CB_MEM:
		cb = (void *)kp_cb_mem;
		break;
	case KP_CB_INSN_INVALID:
		cb = (void *)kp_cb_insn_invalid;
		break;
	default:
		return UC_ERR_ARG;
	}
	return uc_hook_add(uc, hh, type, cb, (void *)id, begin, end);
}

uc_err kp_ctl_set_cpu_model(uc_engine *uc, int model) {
	return uc_ctl(uc, UC_CTL_WRITE(UC_CTL_CPU_MODEL, 1), model);
}

uc_err kp_ctl_get_cpu_model(uc_engine *uc, int *model) {
	return uc_ctl(uc, UC_CTL_READ(UC_CTL_CPU_MODEL, 1), model);
}

uc_err kp_ctl_get_page_size(uc_engine *uc, uint32_t *size) {
	return uc_ctl(uc, UC_CTL_READ(UC_CTL_UC_PAGE_SIZE, 1), size);
}

uc_err kp_ctl_tb_flush(uc_engine *uc) {
	return uc_ctl(uc, UC_CTL_WRITE(UC_CTL_TB_FLUSH, 0));
}

uc_err kp_ctl_remove_cache(uc_engine *uc, uint64_t begin, uint64_t end) {
	return uc_ctl(uc, UC_CTL_WRITE(UC_CTL_TB_REMOVE_CACHE, 2), begin, end);
}
