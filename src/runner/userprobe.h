/* The user's own probes: compiled, loaded and attached against the tree
 * (when their function names name a tracepoint or kprobe), with the BTF
 * cross-check on the struct members their source reads. */
#ifndef PHR_USERPROBE_H
#define PHR_USERPROBE_H

struct report;

void userprobe_run(const char *tree, const char *path, const char *btf_path, int load, struct report *r);

#endif
