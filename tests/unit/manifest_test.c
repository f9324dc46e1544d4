/* The manifest reader: manifest.json is on a volume anyone may write, so
 * the reader refuses a symlink (which could make --validate copy a file
 * from outside the volume into it), a NUL byte, trailing bytes, anything
 * but one object and absurd nesting. */
#include "lib/output/manifest.h"
#include "util/fs.h"
#include "util/path.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int parse(const char *text, size_t len)
{
	json_object *o = NULL;
	int r = manifest_parse(text, len, &o);

	json_object_put(o);
	return r;
}

int main(void)
{
	char dir[] = "/tmp/ph-manifest-XXXXXX", outside[PATH_MAX], path[PATH_MAX], deep[200];
	static const char good[] = "{\"exact\": true, \"level\": \"exact\"}\n";
	json_object *o = NULL;
	size_t i;

	if (!mkdtemp(dir) || path_join(outside, dir, "outside.json") < 0 || path_join(path, dir, "manifest.json") < 0 ||
	    fs_write_file(outside, "{\"token\": \"hunter2\"}", 20) < 0 || symlink(outside, path) < 0) {
		printf("Bail out! cannot make files under /tmp\n");
		return 1;
	}
	ok(manifest_read(dir, &o) == -ELOOP && !o, "a manifest.json that is a symlink is refused (-ELOOP), not followed");
	unlink(path);
	fs_write_file(path, good, strlen(good));
	ok(manifest_read(dir, &o) == 0 && o && json_object_is_type(o, json_type_object), "a plain manifest is read");
	json_object_put(o);
	ok(parse(good, strlen(good)) == 0, "one object and a newline parses");
	ok(parse("{\"exact\": true}\0{\"x\":1}", 23) == -EBADMSG, "a NUL byte inside is refused");
	ok(parse("{\"exact\": false} {\"exact\": true}", 32) == -EBADMSG, "a second object after the first is refused");
	ok(parse("{\"exact\": true} garbage", 23) == -EBADMSG, "trailing bytes are refused");
	ok(parse("[1, 2]", 6) == -EBADMSG, "an array is refused");
	ok(parse("{\"exact\": tr", 12) == -EBADMSG, "a truncated object is refused");
	ok(parse("", 0) == -EBADMSG, "nothing is refused");
	for (i = 0; i < 60; i++)
		deep[i] = '[';
	for (i = 0; i < 60; i++)
		deep[60 + i] = ']';
	snprintf(path, sizeof(path), "{\"a\": %.120s}", deep);
	ok(parse(path, strlen(path)) == -EBADMSG, "nesting deeper than %d is refused", MANIFEST_MAX_DEPTH);
	ok(parse("{\"exact\": true}", 15) == 0, "text need not end in a NUL (len given)");
	fs_rm_rf(dir);
	return tap_done();
}
