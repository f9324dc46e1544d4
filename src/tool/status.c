#include "tool/status.h"

#include "lib/kernel/kversion.h"
#include "strategies/context.h"
#include "tool/exitcodes.h"
#include "util/log.h"
#include "util/redact.h"

#include <stdio.h>

void status_print_result(json_object *status, int code)
{
	json_object_object_add(status, "exit_code", json_object_new_int(code));
	if (code != PH_EXIT_OK && log_last_error())
		json_object_object_add(status, "error", json_object_new_string(log_last_error()));
	redact_json(status);
	printf("%s\n", json_object_to_json_string_ext(status, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

void status_print(const struct provision_ctx *ctx, int json)
{
	const struct kernel_info *k = &ctx->kernel;
	unsigned code = k->version_code;

	if (json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "release", json_object_new_string(k->release));
		json_object_object_add(o, "machine", json_object_new_string(k->machine));
		json_object_object_add(o, "arch", json_object_new_string(k->arch));
		json_object_object_add(o, "running", json_object_new_boolean(k->running));
		json_object_object_add(o, "version_code", json_object_new_int64(code));
		json_object_object_add(o, "version_code_source",
				       k->version_source ? json_object_new_string(k->version_source) : NULL);
		json_object_object_add(o, "distro_id", k->have_distro ? json_object_new_string(k->distro.id) : NULL);
		json_object_object_add(o, "distro_version_id",
				       k->have_distro ? json_object_new_string(k->distro.version_id) : NULL);
		json_object_object_add(o, "distro_codename",
				       k->have_distro ? json_object_new_string(k->distro.version_codename) : NULL);
		json_object_object_add(o, "config", k->config_source ? json_object_new_string(k->config_path) : NULL);
		json_object_object_add(o, "config_source",
				       k->config_source ? json_object_new_string(k->config_source) : NULL);
		json_object_object_add(o, "btf", json_object_new_boolean(k->btf));
		json_object_object_add(o, "host_root", json_object_new_string(ctx->hr.root));
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
		return;
	}
	printf("release:       %s%s\n", k->release, k->running ? " (running)" : "");
	printf("machine:       %s (arch/%s)\n", k->machine, k->arch);
	if (k->version_source) {
		unsigned major, minor, sub;

		kversion_split(code, &major, &minor, &sub);
		printf("version code:  %u (%u.%u.%u, from %s)\n", code, major, minor, sub, k->version_source);
	}
	else
		printf("version code:  unknown\n");
	if (k->have_distro)
		printf("distro:        %s %s%s%s%s\n", k->distro.id, k->distro.version_id,
		       k->distro.version_codename[0] ? " (" : "", k->distro.version_codename,
		       k->distro.version_codename[0] ? ")" : "");
	else
		printf("distro:        unknown (no os-release under %s)\n", ctx->hr.root);
	printf("config:        %s%s%s%s\n", k->config_source ? k->config_path : "none found",
	       k->config_source ? " (" : "", k->config_source ? k->config_source : "", k->config_source ? ")" : "");
	printf("btf:           %s\n", k->btf ? k->btf_path : "no");
	printf("host root:     %s\n", ctx->hr.root);
}
