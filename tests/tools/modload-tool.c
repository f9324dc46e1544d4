/* Test tool: loads a kernel module through provision-headers' own
 * libkmod code path (modload.c), under a host root, as the kheaders
 * strategy does for kheaders and configs. Used inside the Debian-kernel
 * VM, whose kernel has modules.
 *   modload-tool HOST_ROOT RELEASE MODULE */
#include "util/hostroot.h"
#include "lib/kernel/modload.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	struct hostroot hr;
	char why[1024] = "";
	int loaded = 0, ret;

	if (argc != 4 || hostroot_init(&hr, argv[1]) < 0) {
		fprintf(stderr, "usage: modload-tool HOST_ROOT RELEASE MODULE\n");
		return 2;
	}
	ret = modload_insert(&hr, argv[2], argv[3], &loaded, why, sizeof(why));
	if (ret < 0) {
		fprintf(stderr, "modload-tool: %s (%s)\n", why, strerror(-ret));
		return 1;
	}
	printf("%s %s\n", argv[3], loaded ? "loaded" : "was already loaded");
	return 0;
}
