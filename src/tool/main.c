/* provision-headers: argument parsing and dispatch only. */
#include "strategies/context.h"
#include "strategies/distro.h"
#include "tool/cachecmd.h"
#include "tool/exitcodes.h"
#include "tool/interrupt.h"
#include "tool/listdistros.h"
#include "util/log.h"
#include "util/redact.h"
#include "tool/cli.h"
#include "tool/provision.h"
#include "tool/status.h"
#include "tool/termlog.h"
#include "tool/warm.h"
#include "util/version.h"

#include "util/fs.h"
#include "util/json.h"
#include "util/path.h"

#include <stdio.h>
#include <string.h>

/* --termination-log: one line, the outcome; a failure to write it is
 * reported but does not change the exit code. */
static void termination_log(const struct options *opts, json_object *status, int code)
{
	char line[1024];
	int ret;

	if (!opts->termination_log)
		return;
	termlog_line(status, code, log_last_error(), line, sizeof(line));
	ret = termlog_write(opts->termination_log, line);
	if (ret < 0)
		log_warn("--termination-log %s: %s", opts->termination_log, strerror(-ret));
}

int main(int argc, char **argv)
{
	struct options opts;
	struct provision_ctx ctx;
	json_object *status;
	char err[512], why[512] = "";
	int ret, code;

	if (options_parse(argc, argv, &opts, err, sizeof(err)) < 0) {
		fprintf(stderr, "provision-headers: %s (try --help)\n", err);
		return PH_EXIT_USAGE;
	}
	if (opts.command == CMD_HELP) {
		options_print_help(opts.help_topic);
		return PH_EXIT_OK;
	}
	if (opts.command == CMD_LIST_OPTIONS) {
		options_print_table();
		return PH_EXIT_OK;
	}
	if (opts.command == CMD_LIST_DISTROS)
		return list_distros(&opts);
	if (opts.command == CMD_VERSION) {
		printf("provision-headers %s\n", PH_VERSION);
		return PH_EXIT_OK;
	}
	log_set_level(opts.verbosity == 0 ? LOG_ERR : opts.verbosity == 1 ? LOG_INFO : LOG_DEBUG);
	ret = interrupt_setup();
	if (ret < 0) {
		log_error("cannot watch for SIGTERM and SIGINT: %s", strerror(-ret));
		return PH_EXIT_INTERNAL;
	}

	if (opts.command == CMD_WARM)
		return warm_run(&opts);
	if (opts.command == CMD_CACHE)
		return cachecmd_run(&opts);
	memset(&ctx, 0, sizeof(ctx));
	ctx.opts = &opts;
	status = json_object_new_object();
	ctx.sources = json_object_new_array();
	ret = hostroot_init(&ctx.hr, opts.host_root);
	if (ret == 0)
		ret = kernel_info_read(&ctx.hr, opts.kernel_release, opts.kernel_release_from, &ctx.kernel, why,
				       sizeof(why));
	if (ret == -EINVAL && why[0]) {
		log_error("%s", why);
		code = opts.kernel_release && !ctx.kernel.running ? PH_EXIT_USAGE : PH_EXIT_INTERNAL;
	} else if (ret < 0) {
		log_error("cannot read the kernel identity (host root %s, release %s): %s", opts.host_root,
			  opts.kernel_release ? opts.kernel_release : "running", strerror(-ret));
		code = opts.kernel_release ? PH_EXIT_USAGE : PH_EXIT_INTERNAL;
	} else if (opts.command == CMD_STATUS) {
		status_print(&ctx, opts.json);
		code = PH_EXIT_OK;
		opts.json = 0;
	} else {
		json_object_object_add(status, "release", json_object_new_string(ctx.kernel.release));
		json_object_object_add(status, "output", json_object_new_string(opts.output));
		log_info("kernel %s (%s), LINUX_VERSION_CODE %u from %s, host root %s", ctx.kernel.release,
			 ctx.kernel.arch, ctx.kernel.version_code,
			 ctx.kernel.version_source ? ctx.kernel.version_source : "nowhere", ctx.hr.root);
		code = provision_run(&ctx, status);
	}
	if (opts.json)
		status_print_result(status, code);
	if (opts.command != CMD_STATUS)
		termination_log(&opts, status, code);
	json_object_put(status);
	json_object_put(ctx.sources);
	json_object_put(ctx.close_match);
	json_object_put(ctx.cache_index);
	distro_state_free(ctx.distro);
	return code;
}
