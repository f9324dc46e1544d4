#include "lib/output/manifest.h"

#include "lib/kernel/kernel.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/path.h"
#include "util/redact.h"
#include "lib/kernel/treecheck.h"
#include "util/version.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


static json_object *kernel_object(const struct kernel_info *k)
{
	json_object *o = json_object_new_object();

	json_set_string(o, "release", k->release);
	json_set_string(o, "machine", k->machine);
	json_set_string(o, "arch", k->arch);
	json_object_object_add(o, "version_code", json_object_new_int64(k->version_code));
	json_set_string(o, "version_code_source", k->version_source);
	json_object_object_add(o, "running", json_object_new_boolean(k->running));
	json_set_string(o, "config_source", k->config_source);
	json_object_object_add(o, "btf", json_object_new_boolean(k->btf));
	if (k->have_distro) {
		json_set_string(o, "distro_id", k->distro.id);
		json_set_string(o, "distro_version_id", k->distro.version_id);
	}
	return o;
}

int manifest_write(const struct manifest_input *in, const char *stage_dir, const struct tree_facts *facts,
		   const struct manifest_timings *t)
{
	json_object *m = json_object_new_object(), *timings, *tree;
	char build[PATH_MAX], path[PATH_MAX], stamp[32];
	unsigned long long files = 0, bytes = 0;
	time_t now = time(NULL);
	struct tm tm;
	const char *text;
	int ret;

	if (!m)
		return -ENOMEM;
	ret = path_join(build, stage_dir, "build");
	if (ret == 0 && in->counted) {
		files = in->files;
		bytes = in->bytes;
	} else if (ret == 0) {
		ret = fs_tree_usage(build, &files, &bytes);
	}
	if (ret == 0)
		ret = path_join(path, stage_dir, "manifest.json");
	if (ret < 0) {
		json_object_put(m);
		return ret;
	}
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);

	/* Bumped when a field changes meaning or goes away (README.md,
	 * "manifest.json"); new fields do not bump it. */
	json_object_object_add(m, "schema_version", json_object_new_int(MANIFEST_SCHEMA_VERSION));
	json_set_string(m, "tool", "provision-headers");
	json_set_string(m, "tool_version", PH_VERSION);
	json_set_string(m, "created", stamp);
	json_set_string(m, "release", in->kernel->release);
	json_set_string(m, "strategy", in->strategy);
	json_object_object_add(m, "exact", json_object_new_boolean(in->exact));
	json_set_string(m, "level", in->level ? in->level : in->exact ? "exact" : "close-match");
	json_set_string(m, "origin", in->origin);
	json_set_string(m, "host_root", in->host_root ? in->host_root : "/");
	json_object_object_add(m, "kernel", kernel_object(in->kernel));
	tree = json_object_new_object();
	json_object_object_add(tree, "version_code", json_object_new_int64(facts->version_code));
	json_set_string(tree, "uts_release", facts->uts_release);
	json_object_object_add(tree, "files", json_object_new_int64((int64_t)files));
	json_object_object_add(tree, "bytes", json_object_new_int64((int64_t)bytes));
	json_object_object_add(m, "tree", tree);
	json_object_object_add(m, "sources", json_object_get(in->sources));
	if (in->close_match)
		json_object_object_add(m, "close_match", json_object_get(in->close_match));
	timings = json_object_new_object();
	json_object_object_add(timings, "probe_ms", json_object_new_double(t->probe_ms));
	json_object_object_add(timings, "provide_ms", json_object_new_double(t->provide_ms));
	json_object_object_add(timings, "total_ms", json_object_new_double(t->total_ms));
	json_object_object_add(m, "timings", timings);
	json_object_object_add(m, "validation", NULL);

	redact_json(m);
	text = json_object_to_json_string_ext(m, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	ret = fs_write_file(path, text, strlen(text));
	json_object_put(m);
	return ret;
}

int manifest_parse(const char *text, size_t len, json_object **ret)
{
	struct json_tokener *tok;
	json_object *o;

	/* Anyone who can write the volume can write this file: a NUL inside,
	 * trailing bytes or anything but one JSON object is refused whole. */
	if (len > MANIFEST_MAX_BYTES || memchr(text, '\0', len))
		return -EBADMSG;
	tok = json_tokener_new_ex(MANIFEST_MAX_DEPTH);
	if (!tok)
		return -ENOMEM;
	o = json_tokener_parse_ex(tok, text, (int)len);
	if (o && json_tokener_get_parse_end(tok) < len && strspn(text + json_tokener_get_parse_end(tok), " \t\r\n") !=
							       len - json_tokener_get_parse_end(tok)) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return -EBADMSG;
	}
	*ret = o;
	return 0;
}

int manifest_read(const char *release_dir, json_object **ret)
{
	char path[PATH_MAX];
	char *text = NULL;
	size_t len = 0;
	int r = path_join(path, release_dir, "manifest.json"), fd;

	if (r < 0)
		return r;
	/* Never through a link: a manifest.json planted as a symlink to a file
	 * outside the volume would otherwise be read, and --validate would
	 * write what it read back into the shared volume. O_NONBLOCK: a FIFO
	 * does not hang the open (fs_read_fd takes regular files only). */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = fs_read_fd(fd, MANIFEST_MAX_BYTES, &text, &len);
	close(fd);
	if (r < 0)
		return r;
	r = manifest_parse(text, len, ret);
	free(text);
	return r;
}
