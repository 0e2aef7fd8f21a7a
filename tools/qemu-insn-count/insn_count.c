/*
 * insn_count: a QEMU TCG plugin that counts the AArch64 instructions a guest executes.
 *
 * Copyright (C) 2026 the transactions-lambda authors.
 * SPDX-License-Identifier: GPL-2.0-or-later (it includes QEMU's qemu-plugin.h; see LICENSE here)
 *
 * Counts, per vCPU (one per guest thread in user mode), summed in the report:
 *   insns      every executed instruction
 *   simd_fp    SIMD&FP instructions (Advanced SIMD / NEON, FP, and SIMD&FP loads and stores),
 *              classified from the encoding, so no disassembler is needed
 *   sha256h, sha256h2, sha256su0, sha256su1   the ARMv8 SHA-256 instructions, by encoding
 *   mnemonic=NAME (repeatable): instructions whose disassembly starts with NAME
 *   blocks=FILE: also a profile, one line per translated block executed: its guest address (hex),
 *              its instruction count, how often it ran, and the symbol qemu finds for it in the
 *              guest binary ("?" if none: a stripped build, or a shared library's code)
 * and a snapshot of all of them at the first write to a connected socket (the guest's first
 * request to anything: for a Lambda runtime, `GET /invocation/next`, the end of its init).
 *
 * Arguments: -plugin libinsncount.so,out=FILE[,mnemonic=NAME...][,blocks=FILE]
 * The report (JSON) is written at exit, so the guest must exit, not be killed. Counting is done
 * per translated block (one callback per block with its precomputed sums); a block left early by a
 * fault counts whole, which does not happen to a well-behaved program.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

enum { MAX_MNEMONICS = 16, MAX_VCPUS = 1024, MAX_FDS = 4096 };

/* AArch64 Linux syscall numbers this plugin watches. */
enum {
    SYS_CLOSE = 57, SYS_WRITE = 64, SYS_WRITEV = 66, SYS_PWRITE64 = 68, SYS_CONNECT = 203,
    SYS_SENDTO = 206, SYS_SENDMSG = 211, SYS_SENDMMSG = 269,
};

enum { C_INSNS, C_SIMD_FP, C_SHA256H, C_SHA256H2, C_SHA256SU0, C_SHA256SU1, C_FIXED };
static const char *const fixed_names[C_FIXED] = {
    "insns", "simd_fp", "sha256h", "sha256h2", "sha256su0", "sha256su1",
};

typedef struct {
    uint64_t c[C_FIXED + MAX_MNEMONICS];
} counts_t;

static const char *mnemonics[MAX_MNEMONICS];
static size_t n_mnemonics;
static size_t n_counters = C_FIXED;
static const char *out_path;
static const char *blocks_path;

/* A translated block's sums and, for blocks=FILE, where it is and how often it ran. */
typedef struct block {
    counts_t sums;
    uint64_t vaddr;
    uint64_t execs;
    const char *symbol; /* qemu's best-effort lookup in the guest binary's symbols, or NULL */
    struct block *next;
} block_t;
static block_t *blocks; /* every translation, pushed atomically (translations may race) */

/* One slot per vCPU, padded apart; adds are atomic because a slot index can be reused by a new
 * thread while a dying one still runs its last block. */
typedef struct {
    counts_t n;
    bool used;
} __attribute__((aligned(64))) vcpu_slot_t;
static vcpu_slot_t slots[MAX_VCPUS];

static unsigned char connected[MAX_FDS];
static bool snapped;
static counts_t snapshot;
static int64_t snapshot_syscall;
static uint64_t snapshot_fd;
static unsigned snapshot_vcpu;

/* SHA-256 instructions: Crypto three-register SHA (opcode in bits 14:12) and two-register SHA. */
static int sha256_class(uint32_t w)
{
    if ((w & 0xffe0fc00u) == 0x5e004000u) return C_SHA256H;
    if ((w & 0xffe0fc00u) == 0x5e005000u) return C_SHA256H2;
    if ((w & 0xffe0fc00u) == 0x5e006000u) return C_SHA256SU1;
    if ((w & 0xfffffc00u) == 0x5e282800u) return C_SHA256SU0;
    return -1;
}

/* SIMD&FP: data processing with op0 = x111, or a load/store (op0 = x1x0) with V (bit 26) set. */
static bool is_simd_fp(uint32_t w)
{
    uint32_t op0 = (w >> 25) & 0xf;
    return (op0 & 0x7) == 0x7 || ((op0 & 0x5) == 0x4 && (w >> 26) & 1);
}

static void tb_exec(unsigned int vcpu, void *udata)
{
    block_t *b = udata;
    const counts_t *tb = &b->sums;
    if (blocks_path) __atomic_fetch_add(&b->execs, 1, __ATOMIC_RELAXED);
    counts_t *n = &slots[vcpu % MAX_VCPUS].n;
    slots[vcpu % MAX_VCPUS].used = true;
    for (size_t i = 0; i < n_counters; i++) {
        if (tb->c[i]) __atomic_fetch_add(&n->c[i], tb->c[i], __ATOMIC_RELAXED);
    }
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    block_t *b = calloc(1, sizeof *b); /* lives as long as the translation may run */
    if (!b) abort();
    counts_t *sums = &b->sums;
    b->vaddr = qemu_plugin_tb_vaddr(tb);
    size_t n = qemu_plugin_tb_n_insns(tb);
    if (blocks_path) {
        b->symbol = n ? qemu_plugin_insn_symbol(qemu_plugin_tb_get_insn(tb, 0)) : NULL;
        b->next = __atomic_load_n(&blocks, __ATOMIC_RELAXED);
        while (!__atomic_compare_exchange_n(&blocks, &b->next, b, true, __ATOMIC_RELEASE,
                                            __ATOMIC_RELAXED)) {
        }
    }
    sums->c[C_INSNS] = n;
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        uint32_t w = 0;
        if (qemu_plugin_insn_size(insn) == sizeof w) memcpy(&w, qemu_plugin_insn_data(insn), sizeof w);
        sums->c[C_SIMD_FP] += is_simd_fp(w);
        int sha = sha256_class(w);
        if (sha >= 0) sums->c[sha]++;
        if (n_mnemonics) {
            char *text = qemu_plugin_insn_disas(insn);
            if (!text) continue;
            for (size_t m = 0; m < n_mnemonics; m++) {
                size_t len = strlen(mnemonics[m]);
                if (!strncmp(text, mnemonics[m], len) && (text[len] == ' ' || text[len] == '\0')) {
                    sums->c[C_FIXED + m]++;
                }
            }
            free(text);
        }
    }
    qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_exec, QEMU_PLUGIN_CB_NO_REGS, b);
}

static counts_t total(void)
{
    counts_t t = {0};
    for (size_t v = 0; v < MAX_VCPUS; v++) {
        for (size_t i = 0; i < n_counters; i++) {
            t.c[i] += __atomic_load_n(&slots[v].n.c[i], __ATOMIC_RELAXED);
        }
    }
    return t;
}

static void on_syscall(qemu_plugin_id_t id, unsigned int vcpu, int64_t num, uint64_t a1,
                       uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6,
                       uint64_t a7, uint64_t a8)
{
    (void)id; (void)a2; (void)a3; (void)a4; (void)a5; (void)a6; (void)a7; (void)a8;
    if (a1 >= MAX_FDS) return;
    switch (num) {
    case SYS_CONNECT:
        connected[a1] = 1;
        break;
    case SYS_CLOSE:
        connected[a1] = 0;
        break;
    case SYS_WRITE: case SYS_WRITEV: case SYS_PWRITE64:
    case SYS_SENDTO: case SYS_SENDMSG: case SYS_SENDMMSG:
        if (connected[a1] && !__atomic_exchange_n(&snapped, true, __ATOMIC_ACQ_REL)) {
            snapshot = total();
            snapshot_syscall = num;
            snapshot_fd = a1;
            snapshot_vcpu = vcpu;
        }
        break;
    default:
        break;
    }
}

static void write_counts(FILE *f, const counts_t *n)
{
    for (size_t i = 0; i < C_FIXED; i++) {
        fprintf(f, "%s\"%s\":%" PRIu64, i ? "," : "", fixed_names[i], n->c[i]);
    }
    fputs(",\"mnemonics\":{", f);
    for (size_t m = 0; m < n_mnemonics; m++) {
        fprintf(f, "%s\"%s\":%" PRIu64, m ? "," : "", mnemonics[m], n->c[C_FIXED + m]);
    }
    fputc('}', f);
}

static void at_exit(qemu_plugin_id_t id, void *udata)
{
    (void)id; (void)udata;
    counts_t t = total();
    FILE *f = out_path ? fopen(out_path, "w") : stderr;
    if (!f) {
        fprintf(stderr, "insn_count: cannot write %s\n", out_path);
        return;
    }
    fputs("{\"plugin\":\"insn_count\",\"version\":1,\"total\":{", f);
    write_counts(f, &t);
    fputs("},\"first_connected_write\":", f);
    if (snapped) {
        fputc('{', f);
        write_counts(f, &snapshot);
        fprintf(f, ",\"syscall\":%" PRId64 ",\"fd\":%" PRIu64 ",\"vcpu\":%u}", snapshot_syscall,
                snapshot_fd, snapshot_vcpu);
    } else {
        fputs("null", f);
    }
    fputs(",\"vcpus\":[", f);
    bool first = true;
    for (size_t v = 0; v < MAX_VCPUS; v++) {
        if (!slots[v].used) continue;
        fprintf(f, "%s{\"index\":%zu,\"insns\":%" PRIu64 "}", first ? "" : ",", v,
                slots[v].n.c[C_INSNS]);
        first = false;
    }
    fputs("]}\n", f);
    if (f != stderr) fclose(f);
    if (!blocks_path) return;
    FILE *bf = fopen(blocks_path, "w");
    if (!bf) {
        fprintf(stderr, "insn_count: cannot write %s\n", blocks_path);
        return;
    }
    for (const block_t *b = __atomic_load_n(&blocks, __ATOMIC_ACQUIRE); b; b = b->next) {
        if (b->execs) {
            fprintf(bf, "%" PRIx64 " %" PRIu64 " %" PRIu64 " %s\n", b->vaddr, b->sums.c[C_INSNS],
                    b->execs, b->symbol ? b->symbol : "?");
        }
    }
    fclose(bf);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                           int argc, char **argv)
{
    if (strcmp(info->target_name, "aarch64") != 0) {
        fprintf(stderr, "insn_count: AArch64 guests only (this is %s)\n", info->target_name);
        return -1;
    }
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (!strncmp(arg, "out=", 4)) {
            out_path = arg + 4;
        } else if (!strncmp(arg, "mnemonic=", 9) && arg[9]) {
            if (n_mnemonics == MAX_MNEMONICS) {
                fprintf(stderr, "insn_count: at most %d mnemonic= arguments\n", MAX_MNEMONICS);
                return -1;
            }
            mnemonics[n_mnemonics++] = arg + 9;
        } else if (!strncmp(arg, "blocks=", 7) && arg[7]) {
            blocks_path = arg + 7;
        } else {
            fprintf(stderr, "insn_count: unknown argument '%s' (out=FILE, mnemonic=NAME, blocks=FILE)\n", arg);
            return -1;
        }
    }
    n_counters = C_FIXED + n_mnemonics;
    qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
    qemu_plugin_register_vcpu_syscall_cb(id, on_syscall);
    qemu_plugin_register_atexit_cb(id, at_exit, NULL);
    return 0;
}
