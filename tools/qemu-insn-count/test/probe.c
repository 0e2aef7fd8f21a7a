/*
 * A guest with known counts for the plugin's own test (tools/qemu-insn-count/test/run.sh):
 * `probe N` runs each SHA-256 instruction exactly N times (and N vector adds) in a loop, then
 * connects a socket to a listener of its own and writes one byte to it (the init snapshot).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 0;
    for (long i = 0; i < n; i++) {
        __asm__ volatile("sha256h q0, q1, v2.4s\n\t"
                         "sha256h2 q1, q0, v2.4s\n\t"
                         "sha256su0 v3.4s, v4.4s\n\t"
                         "sha256su1 v3.4s, v4.4s, v5.4s\n\t"
                         "add v6.4s, v6.4s, v7.4s"
                         ::: "v0", "v1", "v3", "v6");
    }
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr = {htonl(INADDR_LOOPBACK)}};
    socklen_t len = sizeof addr;
    if (listener < 0 || bind(listener, (struct sockaddr *)&addr, len) || listen(listener, 1) ||
        getsockname(listener, (struct sockaddr *)&addr, &len))
        return 2;
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&addr, len) || write(s, "x", 1) != 1) return 3;
    return 0;
}
