// SPDX-License-Identifier: MIT
/*
 * Kernel-style C functions for kpemu's tests: the same computations as the
 * assembly library one directory up (c_ names here), compiled as the
 * kernel compiles C (freestanding, no libc, general registers only, branch
 * protection). The committed kfuncs.o is built by the command in BUILD;
 * internal/kernellib loads it, calls each function and compares with the
 * Go references, and checks that a rebuild gives the same bytes.
 */

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef int s32;
typedef unsigned long u64;
typedef long s64;
typedef unsigned long size_t;

#define noinline __attribute__((__noinline__))
#define PF_KTHREAD 0x00200000
#define GOLDEN_RATIO_64 0x61C8864680B583EBull

/* A call chain: the calls must stay calls. */
noinline u64 c_chain_c(u64 x) { return 3 * x - 7; }
noinline u64 c_chain_b(u64 x) { return c_chain_c(x ^ 0xff) + x; }
noinline u64 c_chain_a(u64 x) { return 2 * c_chain_b(x + 1); }

/* Recursion. */
u64 c_fib(u64 n)
{
	return n < 2 ? n : c_fib(n - 1) + c_fib(n - 2);
}

u64 c_ackermann(u64 m, u64 n)
{
	if (m == 0)
		return n + 1;
	if (n == 0)
		return c_ackermann(m - 1, 1);
	return c_ackermann(m - 1, c_ackermann(m, n - 1));
}

/* Globals, reached with adrp and :lo12:. */
static const u64 primes[16] = {
	2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53,
};
u64 c_jiffies;

u64 c_prime_at(u64 i) { return primes[i & 15]; }
u64 c_jiffies_add(u64 d) { return c_jiffies += d; }

/* Atomics: without LSE in -march, GCC makes LL/SC loops. */
u64 c_atomic_add_return(u64 *p, u64 v)
{
	return __atomic_add_fetch(p, v, __ATOMIC_SEQ_CST);
}

u32 c_cmpxchg32(u32 *p, u32 old, u32 new)
{
	__atomic_compare_exchange_n(p, &old, new, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	return old;
}

/* A dense switch: a jump table. */
u64 c_syscall_class(u32 nr)
{
	switch (nr) {
	case 0: return 100;
	case 1: return 2 * nr;
	case 2: case 3: return 7;
	case 4: return -1;
	case 5: return 55;
	case 6: return 42;
	case 7: return nr + 1000;
	default: return 0;
	}
}

/* Strings and memory, as lib/string.c. */
size_t c_strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return p - s;
}

void *c_memcpy(void *dest, const void *src, size_t n)
{
	u8 *d = dest;
	const u8 *s = src;

	while (n--)
		*d++ = *s++;
	return dest;
}

int c_strcmp(const char *a, const char *b)
{
	u8 c1, c2;

	do {
		c1 = *a++;
		c2 = *b++;
		if (c1 != c2)
			return c1 - c2;
	} while (c1);
	return 0;
}

/* Compare and select. */
s64 c_clamp(s64 v, s64 lo, s64 hi) { return v < lo ? lo : v > hi ? hi : v; }
u64 c_max_u64(u64 a, u64 b) { return a > b ? a : b; }
int c_sign(s64 v) { return v > 0 ? 1 : v < 0 ? -1 : 0; }
u64 c_abs_diff(u64 a, u64 b) { return a > b ? a - b : b - a; }

/* Bits. */
u32 c_popcount64(u64 x)
{
	u32 n = 0;

	for (; x; x >>= 1)
		n += x & 1;
	return n;
}

u32 c_bitrev32(u32 x)
{
	x = (x >> 1 & 0x55555555) | (x & 0x55555555) << 1;
	x = (x >> 2 & 0x33333333) | (x & 0x33333333) << 2;
	x = (x >> 4 & 0x0f0f0f0f) | (x & 0x0f0f0f0f) << 4;
	x = (x >> 8 & 0x00ff00ff) | (x & 0x00ff00ff) << 8;
	return x >> 16 | x << 16;
}

u64 c_pte_pfn(u64 pte) { return (pte >> 12) & ((1UL << 36) - 1); }

u64 c_pte_mkpfn(u64 pte, u64 pfn)
{
	const u64 mask = ((1UL << 36) - 1) << 12;

	return (pte & ~mask) | ((pfn << 12) & mask);
}

u64 c_hash_64(u64 val, u32 bits) { return val * GOLDEN_RATIO_64 >> ((64 - bits) & 63); }

/* A structure through a pointer. */
struct task {
	u32 pid;
	u32 flags;
	u64 utime;
	u16 prio;
	u8 state;
	s32 nice;
	struct task *parent;
};

u64 c_task_score(const struct task *t)
{
	return t->utime + 4 * t->prio + t->nice + t->state +
	       (t->flags & PF_KTHREAD ? 1000 : 0);
}

u32 c_task_depth(const struct task *t)
{
	u32 n = 0;

	while ((t = t->parent))
		n++;
	return n;
}
