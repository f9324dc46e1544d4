/* Test tool: compiles a BCC C program with libbcc (no load) against the
 * tree BCC would choose: BCC_KERNEL_SOURCE, or /lib/modules/<release>/build.
 * Exit 0 when it compiled, 1 when it did not. */
#include <bcc/bcc_common.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	FILE *f;
	char *text;
	long n;
	void *mod;

	if (argc != 2) {
		fprintf(stderr, "usage: bcc-compile PROGRAM.c\n");
		return 2;
	}
	f = fopen(argv[1], "r");
	if (!f || fseek(f, 0, SEEK_END) < 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0) {
		perror(argv[1]);
		return 2;
	}
	text = calloc(1, (size_t)n + 1);
	if (!text || fread(text, 1, (size_t)n, f) != (size_t)n) {
		perror(argv[1]);
		return 2;
	}
	fclose(f);
	mod = bpf_module_create_c_from_string(text, 0, NULL, 0, true, NULL);
	free(text);
	if (!mod) {
		fprintf(stderr, "bcc-compile: %s did not compile\n", argv[1]);
		return 1;
	}
	printf("compiled %zu function(s)\n", bpf_num_functions(mod));
	bpf_module_destroy(mod);
	return 0;
}
