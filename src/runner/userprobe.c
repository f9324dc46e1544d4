#include "userprobe.h"

#include "bpfload.h"
#include "btfcheck.h"
#include "compile.h"
#include "report.h"

#include <bcc/bcc_common.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MEMBERS 64

/* The probe's own #include lines, so member offsets resolve the same way. */
static char *include_lines(const char *text)
{
	size_t cap = strlen(text) + 1, o = 0;
	char *out = calloc(1, cap);
	const char *p = text;

	if (!out)
		return NULL;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p + 1) : strlen(p);
		const char *q = p;

		while (*q == ' ' || *q == '\t')
			q++;
		if (strncmp(q, "#include", 8) == 0) {
			memcpy(out + o, p, n);
			o += n;
		}
		p += n;
	}
	out[o] = '\0';
	return out;
}

void userprobe_run(const char *tree, const char *path, const char *btf_path, int load, struct report *r)
{
	struct member_ref members[MAX_MEMBERS];
	char label[512], diag[4096];
	char *text = NULL, *includes;
	void *mod = NULL;
	size_t n, i;
	int ret;

	snprintf(label, sizeof(label), "compile %s", path);
	ret = runner_read_file(path, &text);
	if (ret < 0) {
		report_check(r, label, CHECK_FAIL, "cannot read %s: %s", path, strerror(-ret));
		r->compile_failed = 1;
		return;
	}
	n = btf_members_in_source(text, members, MAX_MEMBERS);
	includes = include_lines(text);
	if (n > 0 && includes)
		btf_cross_check(tree, btf_path, members, n, includes, r);
	free(includes);
	ret = runner_compile(text, &mod, diag, sizeof(diag));
	free(text);
	if (ret == -EPERM) {
		report_cannot_validate(r, "BCC cannot create BPF maps: the container needs CAP_BPF (or CAP_SYS_ADMIN)");
		report_check(r, label, CHECK_SKIP, "%s", diag);
		return;
	}
	if (ret < 0) {
		report_check(r, label, CHECK_FAIL, "%s does not compile against %s:\n%s", path, tree, diag);
		r->compile_failed = 1;
		return;
	}
	report_check(r, label, CHECK_OK, "compiled against %s", tree);
	if (!load)
		report_cannot_validate(r, "--no-load: %s was compiled, not loaded", path);
	for (i = 0; load && i < bpf_num_functions(mod); i++) {
		struct attached a;
		const char *fn = bpf_function_name(mod, i);

		snprintf(label, sizeof(label), "load %s", path);
		/* A verifier refusal is a failed check in the report already. */
		bpf_load_and_attach(mod, fn, label, r, &a);
		bpf_detach(&a);
	}
	bpf_module_destroy(mod);
}
