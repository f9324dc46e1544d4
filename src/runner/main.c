/* provision-headers-runner: compiles, loads and runs probes against a
 * header tree and says whether the headers are right for the running
 * kernel. Links libbcc; the provisioner itself does not. */
#include "bpfload.h"
#include "btfcheck.h"
#include "compile.h"
#include "groundtruth.h"
#include "libout.h"
#include "report.h"
#include "structcheck.h"
#include "userprobe.h"
#include "util/version.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#ifndef PH_DATADIR
#define PH_DATADIR "/usr/local/share/provision-headers"
#endif

/* Documented in README.md ("The BCC runner"). */
enum runner_exit {
	RUNNER_OK = 0,
	RUNNER_HEADERS_WRONG = 1,
	RUNNER_CANNOT_VALIDATE = 2,
	RUNNER_COMPILE_FAILED = 3,
	RUNNER_USAGE = 4,
};

#define MAX_PROBES 16

struct runner_opts {
	const char *tree;
	const char *bpf_dir;
	const char *btf;
	const char *probes[MAX_PROBES];
	int n_probes;
	int triggers;
	int json;
	int no_builtin;
	int no_load;
	int quiet;
	int verbose;
	int btf_only;
	const char *members; /* "type.member,..." for --btf-only */
	const char *includes;
	const char *structs; /* "all" or a list, for --btf-only */
	int bcc_default;     /* no --tree: BCC's own lookup is what is proved */
	char default_tree[PATH_MAX];
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: provision-headers-runner [--tree DIR] [--probe FILE ...] [OPTIONS]\n"
		   "Compiles, loads and runs probes against the header tree DIR and checks what they read\n"
		   "against the running kernel (ground truth, and its BTF).\n\n"
		   "  --tree DIR       the header tree (default: /lib/modules/$(uname -r)/build, found by BCC itself)\n"
		   "  --probe FILE     also compile, load and attach this BCC program (repeatable)\n"
		   "  --no-builtin     run only the --probe programs\n"
		   "  --no-load        compile and cross-check with BTF only; load nothing\n"
		   "  --bpf-dir DIR    where the bundled probes are (default: the installed bpf/)\n"
		   "  --btf FILE       the kernel's BTF (default /sys/kernel/btf/vmlinux)\n"
		   "  --btf-only       only compare struct layouts with BTF (needs no privilege)\n"
		   "  --members LIST   for --btf-only: type.member[.sub],... (default: the bundled probes')\n"
		   "  --include HDRS   for --btf-only: headers to include, comma separated (default linux/sched.h)\n"
		   "  --structs LIST   for --btf-only: every member of these structs (with --include), or 'all':\n"
		   "                   the bundled set (task_struct, mm_struct, file, sock, sk_buff, ... with their headers)\n"
		   "  --triggers N     how many times the child triggers the probes (default 25)\n"
		   "  --json           print the result as one JSON object on stdout\n"
		   "  -q, --quiet      no per-check lines\n"
		   "  -v, --verbose    also the lines libbcc and libbpf print (hidden otherwise)\n"
		   "      --version    the version\n\n"
		   "Exit codes: 0 headers right, 1 headers wrong (a mismatch named), 2 cannot validate\n"
		   "here (and why), 3 a probe does not compile, 4 usage.\n");
}

static const char *default_bpf_dir(char *buf, size_t len)
{
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct stat st;

	snprintf(buf, len, "%s/bpf", PH_DATADIR);
	if (stat(buf, &st) == 0)
		return buf;
	if (n > 0) {
		exe[n] = '\0';
		snprintf(buf, len, "%s/../bpf", dirname(exe));
	}
	return buf;
}

/* 0: run; 1: done (--help, --version); -EINVAL: usage error, said. */
static int parse(int argc, char **argv, struct runner_opts *o)
{
	static const struct option opts[] = {
		{ "tree", required_argument, NULL, 't' },    { "probe", required_argument, NULL, 'p' },
		{ "bpf-dir", required_argument, NULL, 'b' }, { "btf", required_argument, NULL, 'B' },
		{ "triggers", required_argument, NULL, 'n' }, { "json", no_argument, NULL, 'j' },
		{ "no-builtin", no_argument, NULL, 'N' },    { "no-load", no_argument, NULL, 'L' },
		{ "quiet", no_argument, NULL, 'q' },         { "help", no_argument, NULL, 'h' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "btf-only", no_argument, NULL, 'O' },      { "members", required_argument, NULL, 'M' },
		{ "include", required_argument, NULL, 'I' },  { "version", no_argument, NULL, 'V' },
		{ "structs", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->btf = "/sys/kernel/btf/vmlinux";
	o->triggers = 25;
	opterr = 0; /* one line of our own instead of getopt's and the whole usage */
	while ((c = getopt_long(argc, argv, ":qvh", opts, NULL)) != -1) {
		switch (c) {
		case 't': o->tree = optarg; break;
		case 'p':
			if (o->n_probes == MAX_PROBES) {
				fprintf(stderr, "provision-headers-runner: at most %d --probe\n", MAX_PROBES);
				return -EINVAL;
			}
			o->probes[o->n_probes++] = optarg;
			break;
		case 'b': o->bpf_dir = optarg; break;
		case 'B': o->btf = optarg; break;
		case 'n': {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (*end || v < 1 || v > 100000) {
				fprintf(stderr, "provision-headers-runner: --triggers: expected 1..100000, got '%s'\n", optarg);
				return -EINVAL;
			}
			o->triggers = (int)v;
			break;
		}
		case 'j': o->json = 1; break;
		case 'N': o->no_builtin = 1; break;
		case 'L': o->no_load = 1; break;
		case 'q': o->quiet = 1; break;
		case 'v': o->verbose = 1; break;
		case 'O': o->btf_only = 1; break;
		case 'M': o->members = optarg; break;
		case 'I': o->includes = optarg; break;
		case 'S': o->structs = optarg; break;
		case 'h': usage(stdout); return 1;
		case 'V': printf("provision-headers-runner %s\n", PH_VERSION); return 1;
		case ':':
			fprintf(stderr, "provision-headers-runner: option '%s' needs a value (try --help)\n", argv[optind - 1]);
			return -EINVAL;
		default:
			if (optopt)
				fprintf(stderr, "provision-headers-runner: unknown option '-%c' (try --help)\n", optopt);
			else
				fprintf(stderr, "provision-headers-runner: unknown option '%s' (try --help)\n", argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "provision-headers-runner: unexpected argument '%s' (try --help)\n", argv[optind]);
		return -EINVAL;
	}
	if (!o->tree) {
		/* What BCC itself would use: BCC then finds it with no flag. */
		struct utsname un;

		uname(&un);
		snprintf(o->default_tree, sizeof(o->default_tree), "/lib/modules/%s/build", un.release);
		o->tree = o->default_tree;
		o->bcc_default = 1;
	}
	return 0;
}

/* --btf-only: the layouts of --members (default: the probes') against BTF. */
static int btf_only(const struct runner_opts *o, struct report *r)
{
	struct member_ref m[256];
	char list[8192], incs[4096], *tok, *save = NULL;
	size_t n = 0, off = 0;
	int ret;

	if (o->structs) {
		int all = strcmp(o->structs, "all") == 0;

		if (!all && !o->includes) {
			fprintf(stderr, "provision-headers-runner: --structs LIST needs --include\n");
			return -EINVAL;
		}
		struct_cross_check(o->tree, o->btf, all ? NULL : o->structs, all ? NULL : o->includes, r);
		if (!r->btf_compared)
			report_cannot_validate(r, "no struct member could be compared with BTF at %s", o->btf);
		return 0;
	}
	if (!o->members) {
		n = runner_probe_members_count;
		memcpy(m, runner_probe_members, n * sizeof(m[0]));
	} else {
		snprintf(list, sizeof(list), "%s", o->members);
		for (tok = strtok_r(list, ",", &save); tok && n < 256; tok = strtok_r(NULL, ",", &save)) {
			char *dot = strchr(tok, '.');

			if (!dot || !dot[1]) {
				fprintf(stderr, "provision-headers-runner: --members: '%s' is not type.member\n", tok);
				return -EINVAL;
			}
			*dot = '\0';
			snprintf(m[n].type, sizeof(m[n].type), "%s", tok);
			snprintf(m[n].member, sizeof(m[n].member), "%s", dot + 1);
			n++;
		}
	}
	snprintf(list, sizeof(list), "%s", o->includes ? o->includes : "linux/sched.h");
	save = NULL;
	incs[0] = '\0';
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		off += (size_t)snprintf(incs + off, off < sizeof(incs) ? sizeof(incs) - off : 0, "#include <%s>\n", tok);
	ret = btf_cross_check(o->tree, o->btf, m, n, incs, r);
	if (ret == -EINVAL)
		r->compile_failed = 1;
	else if (ret == -ENOENT)
		report_cannot_validate(r, "no kernel BTF at %s", o->btf);
	return 0;
}

static int verdict(const struct report *r, const char **word)
{
	if (json_object_array_length(r->mismatches) > 0) {
		*word = "mismatch";
		return RUNNER_HEADERS_WRONG;
	}
	if (r->compile_failed) {
		*word = "compile-failed";
		return RUNNER_COMPILE_FAILED;
	}
	if (r->cannot_validate) {
		*word = "not-validated";
		return RUNNER_CANNOT_VALIDATE;
	}
	*word = "ok";
	return RUNNER_OK;
}

int main(int argc, char **argv)
{
	struct runner_opts o;
	struct report r;
	char bpf_dir[4096];
	const char *word;
	struct stat st;
	int i, code, tracefs = 0;

	code = parse(argc, argv, &o);
	if (code != 0)
		return code < 0 ? RUNNER_USAGE : RUNNER_OK;
	/* A child that dies early must not take the runner with it: a
	 * write to its pipe fails with EPIPE instead. */
	signal(SIGPIPE, SIG_IGN);
	if (stat(o.tree, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "provision-headers-runner: --tree %s: not a directory\n", o.tree);
		return RUNNER_USAGE;
	}
	if (!o.bpf_dir)
		o.bpf_dir = default_bpf_dir(bpf_dir, sizeof(bpf_dir));
	code = runner_set_tree(o.bcc_default ? NULL : o.tree);
	if (code < 0) {
		fprintf(stderr, "provision-headers-runner: cannot set BCC_KERNEL_SOURCE: %s\n", strerror(-code));
		return RUNNER_CANNOT_VALIDATE;
	}
	report_init(&r, o.quiet);
	r.verbose = o.verbose;
	libout_libbpf(o.verbose);
	/* Before any compile: BCC builds TRACEPOINT_PROBE's args from the
	 * event's format in tracefs. */
	if (!o.btf_only && !o.no_load && (!o.no_builtin || o.n_probes > 0))
		tracefs = bpf_ensure_tracefs(&r);
	if (o.btf_only) {
		if (btf_only(&o, &r) < 0) {
			report_free(&r);
			return RUNNER_USAGE;
		}
	} else if (!o.no_builtin) {
		/* The BTF check needs no privilege: it runs first, whatever follows. */
		btf_cross_check(o.tree, o.btf, runner_probe_members, runner_probe_members_count,
				"#include <linux/sched.h>\n", &r);
		struct_cross_check(o.tree, o.btf, NULL, NULL, &r);
		if (o.no_load)
			report_cannot_validate(&r, "--no-load: nothing was loaded or run");
		else if (tracefs == 0) /* else r says why not */
			groundtruth_run(o.tree, o.bpf_dir, o.triggers, &r);
	}
	for (i = 0; i < o.n_probes; i++)
		userprobe_run(o.tree, o.probes[i], o.btf, !o.no_load, &r);
	code = verdict(&r, &word);
	if (!o.quiet) {
		if (code == RUNNER_HEADERS_WRONG) {
			size_t k;

			fprintf(stderr, "provision-headers-runner: verdict: HEADERS WRONG for this kernel:");
			for (k = 0; k < json_object_array_length(r.mismatches); k++)
				fprintf(stderr, " %s", json_object_get_string(json_object_array_get_idx(r.mismatches, k)));
			fprintf(stderr, "\n");
		} else if (code == RUNNER_COMPILE_FAILED) {
			fprintf(stderr, "provision-headers-runner: verdict: a probe does not compile against %s\n", o.tree);
		} else if (code == RUNNER_CANNOT_VALIDATE) {
			fprintf(stderr, "provision-headers-runner: verdict: cannot validate here: %s\n", r.cannot_why);
		} else if (r.truth_checked) {
			fprintf(stderr, "provision-headers-runner: verdict: headers right for this kernel\n");
		} else {
			fprintf(stderr, "provision-headers-runner: verdict: the probes compile, load and attach; "
					"nothing read was checked (no BTF, no bundled probes)\n");
		}
	}
	if (o.json) {
		json_object *out = json_object_new_object();

		json_object_object_add(out, "verdict", json_object_new_string(word));
		json_object_object_add(out, "exit_code", json_object_new_int(code));
		json_object_object_add(out, "tree", json_object_new_string(o.tree));
		json_object_object_add(out, "mismatches", json_object_get(r.mismatches));
		json_object_object_add(out, "cannot_validate", r.cannot_validate ? json_object_new_string(r.cannot_why) : NULL);
		json_object_object_add(out, "checks", json_object_get(r.checks));
		json_object_object_add(out, "btf", json_object_get(r.btf));
		json_object_object_add(out, "btf_structs", json_object_get(r.btf_structs));
		json_object_object_add(out, "btf_compared", json_object_new_int64((int64_t)r.btf_compared));
		json_object_object_add(out, "btf_agree", json_object_new_int64((int64_t)r.btf_agree));
		printf("%s\n", json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(out);
	}
	report_free(&r);
	return code;
}
