#include "tool/termlog.h"

#include "util/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *get_str(json_object *o, const char *key, const char *fallback)
{
	json_object *v;

	return o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : fallback;
}

void termlog_line(json_object *status, int code, const char *last_error, char *out, size_t outlen)
{
	const char *release = get_str(status, "release", "?");
	json_object *exact = NULL, *validation = NULL;

	if (code != 0) {
		snprintf(out, outlen, "exit %d: %s: %s", code, release, last_error ? last_error : "failed");
		return;
	}
	json_object_object_get_ex(status, "exact", &exact);
	json_object_object_get_ex(status, "validation", &validation);
	snprintf(out, outlen, "ok: %s: %s by %s (%s, validation %s): %s", release, get_str(status, "result", "done"),
		 get_str(status, "strategy", "?"),
		 !exact ? "exactness unknown" : json_object_get_boolean(exact) ? "exact" : "approximate",
		 get_str(validation, "verdict", "not run"), get_str(status, "tree", "?"));
}

int termlog_write(const char *path, const char *line)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644), ret;

	if (fd < 0)
		return -errno;
	ret = fs_write_all(fd, line, strlen(line));
	if (ret == 0)
		ret = fs_write_all(fd, "\n", 1);
	if (close(fd) < 0 && ret == 0)
		ret = -errno;
	return ret;
}
