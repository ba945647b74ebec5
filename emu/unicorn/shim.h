//go:build unicorn

// Declarations shared by the Go preambles and shim.c.

#ifndef KPEMU_UNICORN_SHIM_H
#define KPEMU_UNICORN_SHIM_H

#include <stdint.h>
#include <unicorn/unicorn.h>

// Which C callback kp_hook_add installs.
#define KP_CB_CODE 1
#define KP_CB_INTR 2
#define KP_CB_MEM_INVALID 3
#define KP_CB_MEM 4
#define KP_CB_INSN_INVALID 5

uc_err kp_hook_add(uc_engine *uc, uc_hook *hh, int type, int kind, uintptr_t id,
                   uint64_t begin, uint64_t end);
uc_err kp_ctl_set_cpu_model(uc_engine *uc, int model);
uc_err kp_ctl_get_cpu_model(uc_engine *uc, int *model);
uc_err kp_ctl_get_page_size(uc_engine *uc, uint32_t *size);
uc_err kp_ctl_tb_flush(uc_engine *uc);
uc_err kp_ctl_remove_cache(uc_engine *uc, uint64_t begin, uint64_t end);

#endif
