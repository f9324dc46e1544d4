/* lib/store: objects named by their SHA-256 (in memory and streamed past
 * the in-memory limit), stored once, read-only; ingest, check and serve of
 * a small tree with a symlink; a planted symlink is never written through;
 * the index survives a reopen; store writers (a cache URL's downloads)
 * keep only content that hashes to its name; a tree adopted from a list
 * is built, checked, and a hostile list builds nothing. */
#include "lib/store/store.h"
#include "tap.h"
#include "util/fs.h"
#include "util/path.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

/* sha256 of "hello\n" */
#define HELLO_SHA "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"

static int count_objects(const char *cache)
{
	char cmd[PATH_MAX + 64], line[32];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof(cmd), "find '%s/objects' -type f | wc -l", cache);
	p = popen(cmd, "r");
	if (p && fgets(line, sizeof(line), p))
		n = (int)strtol(line, NULL, 10);
	if (p)
		pclose(p);
	return n;
}

static int dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n == 0;
}

static int put_list(struct store *s, const char *text, char sha[65])
{
	int added;

	return store_put_mem(s, text, strlen(text), sha, &added);
}

static int adopt(struct store *s, const char *list)
{
	struct store_tree_info info = { .release = "6.1.0-2-amd64", .arch = "x86", .origin = "test", .level = "exact",
					.exact = 1 };
	char sha[65], why[512];
	int ret = put_list(s, list, sha);

	if (ret == 0)
		ret = store_adopt_tree(s, sha, &info, why, sizeof(why));
	if (ret < 0)
		printf("#   adopt: %s\n", why);
	return ret;
}

static void adopt_tests(const char *top)
{
	char cache[PATH_MAX], p[PATH_MAX], got[65], sha[65], why[512], list[2048];
	struct store_writer *w = NULL;
	struct store_tree t;
	struct store s;
	int added = -1, n;
	static const char *const hostile[] = { "../x", "/abs", "build/../x", "build//x", "build/./x", "build/", "" };
	size_t i;

	path_join(cache, top, "cache2");
	ok(store_open(&s, cache, 1) == 0 && store_lock(&s) == 0, "a second store");
	ok(store_writer_new(&s, &w) == 0 && store_writer_write(w, "hel", 3) == 0 && store_writer_write(w, "lo\n", 3) == 0,
	   "a writer takes a stream in pieces");
	ok(store_writer_commit(w, HELLO_SHA, 6, got, &added) == 0 && added == 1 && store_has_object(&s, HELLO_SHA),
	   "...and commits it under the hash it has");
	store_writer_free(w);
	n = count_objects(cache);
	ok(store_writer_new(&s, &w) == 0 && store_writer_write(w, "hellO\n", 6) == 0, "a writer given other content");
	ok(store_writer_commit(w, "1891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03", 6, got, &added) ==
		   -EBADMSG,
	   "...is refused at commit (-EBADMSG)");
	store_writer_free(w);
	ok(store_writer_new(&s, &w) == 0 && store_writer_write(w, "hello\n", 6) == 0, "a writer with the right content");
	ok(store_writer_commit(w, HELLO_SHA, 7, got, &added) == -EBADMSG, "...but not the size the list gives: refused");
	store_writer_free(w);
	ok(store_writer_new(&s, &w) == 0 && store_writer_write(w, "x", 1) == 0, "a writer never committed");
	store_writer_free(w);
	is_int(count_objects(cache), n, "...no refused or discarded write became an object");
	path_format(p, "%s/tmp", cache);
	ok(dir_is_empty(p) == 1, "...and nothing of them is left in tmp/");

	ok(put_list(&s, "{}", sha) == 0, "the manifest's object");
	snprintf(list, sizeof(list),
		 "{\"entries\":[[\"d\",\"build\"],[\"d\",\"build/include\"],[\"f\",\"build/include/a.h\",\"%s\",6,420],"
		 "[\"l\",\"build/include/c.h\",\"a.h\"],[\"f\",\"manifest.json\",\"%s\",2,420]]}",
		 HELLO_SHA, sha);
	ok(adopt(&s, list) == 0, "adopt a tree from its list");
	ok(store_tree_check(&s, "6.1.0-2-amd64", why, sizeof(why)) == 0, "...it checks against the list: %s", why);
	ok(store_tree_entry(&s, "6.1.0-2-amd64", &t) == 0 && strcmp(t.arch, "x86") == 0 && t.exact,
	   "...and the index has its entry");

	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		snprintf(list, sizeof(list), "{\"entries\":[[\"f\",\"%s\",\"%s\",6,420]]}", hostile[i], HELLO_SHA);
		ok(adopt(&s, list) == -EBADMSG, "a list with the path '%s' is refused", hostile[i]);
	}
	snprintf(list, sizeof(list), "{\"entries\":[[\"f\",\"nodir/a.h\",\"%s\",6,420]]}", HELLO_SHA);
	ok(adopt(&s, list) == -EBADMSG, "a file whose directory is not listed before it is refused");
	snprintf(list, sizeof(list),
		 "{\"entries\":[[\"l\",\"ln\",\"/tmp\"],[\"f\",\"ln/store_test-adopt-never\",\"%s\",6,420]]}",
		 HELLO_SHA);
	ok(adopt(&s, list) == -EBADMSG, "a file under a listed symlink is refused");
	ok(access("/tmp/store_test-adopt-never", F_OK) != 0, "...and nothing was written through it");
	snprintf(list, sizeof(list),
		 "{\"entries\":[[\"d\",\"dir\"],[\"l\",\"ln\",\"dir\"],[\"f\",\"ln/store_test-adopt-never\",\"%s\",6,420]]}",
		 HELLO_SHA);
	ok(adopt(&s, list) == -EBADMSG, "a file under a symlink to a listed directory is refused too");
	ok(adopt(&s, "{\"entries\":[[\"d\",\"build\"],[\"l\",\"build/evil.h\",\"/etc/shadow\"]]}") == -EBADMSG,
	   "an absolute symlink target is refused");
	ok(adopt(&s, "{\"entries\":[[\"d\",\"build\"],[\"l\",\"build/up\",\"../../../../etc\"]]}") == -EBADMSG,
	   "a symlink target climbing out of the tree is refused");
	ok(adopt(&s, "{\"entries\":[[\"l\",\"self\",\".\"],[\"l\",\"out\",\"self/../escape\"]]}") == -EBADMSG,
	   "a chain of links that each look inside but lead out together is refused");
	snprintf(list, sizeof(list), "{\"entries\":[[\"f\",\"a\",\"%s\",6,420],[\"f\",\"a\",\"%s\",6,420]]}",
		 HELLO_SHA, HELLO_SHA);
	ok(adopt(&s, list) == -EBADMSG, "a path listed twice is refused");
	ok(adopt(&s, "{\"entries\":[[\"f\",\"a\",\"0000000000000000000000000000000000000000000000000000000000000000\",1,420]]}") ==
		   -ENOENT,
	   "a list naming an object the store lacks: -ENOENT");
	ok(adopt(&s, "{\"entries\":[[\"p\",\"a\"]]}") == -EBADMSG, "an unknown type is refused");
	{
		json_object *big_list = json_object_new_object(), *rows = json_object_new_array();
		char name[32];
		size_t k;

		for (k = 0; k <= STORE_MAX_LIST_ROWS; k++) {
			json_object *row = json_object_new_array();

			snprintf(name, sizeof(name), "d%zu", k);
			json_object_array_add(row, json_object_new_string("d"));
			json_object_array_add(row, json_object_new_string(name));
			json_object_array_add(rows, row);
		}
		json_object_object_add(big_list, "entries", rows);
		ok(store_list_check(big_list, why, sizeof(why)) == -EBADMSG, "a list of more rows than any kernel tree is refused: %s",
		   why);
		json_object_array_del_idx(rows, 0, 1);
		ok(store_list_check(big_list, why, sizeof(why)) == 0, "...one row fewer is checked as usual");
		json_object_put(big_list);
	}
	ok(store_tree_check(&s, "6.1.0-2-amd64", why, sizeof(why)) == 0, "the adopted tree is as it was after them all");
	path_format(p, "%s/tmp", cache);
	ok(dir_is_empty(p) == 1, "...and no refused tree is left in tmp/");
	store_close(&s);
}

int main(void)
{
	char tmpl[] = "/tmp/store_test.XXXXXX", *top = mkdtemp(tmpl);
	char cache[PATH_MAX], src[PATH_MAX], p[PATH_MAX], sha[65], sha2[65], why[PATH_MAX + 128], dest[PATH_MAX];
	unsigned long long size = 0, files = 0, bytes = 0, added_bytes = 0;
	struct store s;
	struct store_tree t;
	struct stat st;
	int added = -1, linked = -1, fd;
	char *big;
	size_t i, big_len = 600 * 1024; /* past the in-memory limit: streamed */

	path_join(cache, top, "cache");
	ok(store_open(&s, cache, 0) < 0, "a missing cache is not created without create");
	ok(store_open(&s, cache, 1) == 0, "store_open creates the cache");
	ok(store_lock(&s) == 0, "store_lock");

	ok(store_put_mem(&s, "hello\n", 6, sha, &added) == 0 && added == 1, "put_mem stores a new object");
	is_str(sha, HELLO_SHA, "...named by its SHA-256");
	ok(store_put_mem(&s, "hello\n", 6, sha2, &added) == 0 && added == 0, "the same content again adds nothing");
	path_format(p, "%s/objects/58/%s", cache, HELLO_SHA);
	ok(stat(p, &st) == 0 && (st.st_mode & 0777) == 0444, "the object is read-only (0444)");

	big = malloc(big_len);
	for (i = 0; i < big_len; i++)
		big[i] = (char)(i * 7 + i / 4096);
	path_join(src, top, "big");
	fs_write_file(src, big, big_len);
	fd = open(src, O_RDONLY | O_CLOEXEC);
	ok(store_put_fd(&s, fd, sha, &size, &added) == 0 && added == 1 && size == big_len, "put_fd streams a large file");
	close(fd);
	ok(store_put_mem(&s, big, big_len, sha2, &added) == 0 && added == 0, "...the in-memory hash of it names the same object");
	is_str(sha, sha2, "...the streamed and in-memory SHA-256 agree");
	free(big);

	/* A planted symlink in tmp/ is not written through: tmp files are O_EXCL. */
	path_format(p, "%s/tmp/%ld.%lu", cache, (long)getpid(), s.tmp_seq);
	ok(symlink("/tmp/store_test-never", p) == 0, "plant a symlink where the next temporary file goes");
	ok(store_put_mem(&s, "other\n", 6, sha, &added) == 0, "put_mem still succeeds (a fresh name)");
	ok(access("/tmp/store_test-never", F_OK) != 0, "...and wrote nothing through the symlink");

	/* A small published tree: build/ with a file, a duplicate, a symlink. */
	path_join(src, top, "pub");
	path_format(p, "%s/build/include/linux", src);
	fs_mkdir_p(p, 0755);
	path_format(p, "%s/build/include/linux/a.h", src);
	fs_write_file(p, "hello\n", 6);
	path_format(p, "%s/build/include/linux/b.h", src);
	fs_write_file(p, "hello\n", 6);
	path_format(p, "%s/build/include/linux/c.h", src);
	ok(symlink("a.h", p) == 0, "a relative symlink in the tree");
	path_format(p, "%s/manifest.json", src);
	fs_write_file(p, "{}", 2);
	ok(store_ingest(&s, src, &(struct store_tree_info){ .release = "6.1.0-1-amd64", .arch = "x86", .exact = 1 },
			&added_bytes) == 0,
	   "ingest the tree");
	ok(store_tree_entry(&s, "6.1.0-1-amd64", &t) == 0 && t.files == 3 && t.bytes == 14 && t.objects == 2 && t.exact,
	   "the index: 3 files, 14 bytes, 2 objects, exact");
	ok(store_tree_check(&s, "6.1.0-1-amd64", why, sizeof(why)) == 0, "the stored tree checks");
	store_close(&s);

	ok(store_open(&s, cache, 0) == 0 && store_tree_entry(&s, "6.1.0-1-amd64", &t) == 0, "the index survives a reopen");
	path_join(dest, top, "served");
	mkdir(dest, 0755);
	ok(store_serve(&s, "6.1.0-1-amd64", dest, &linked, &files, &bytes, why, sizeof(why)) == 0 && linked == 1 &&
		   files == 2 && bytes == 12,
	   "serve build/ by hardlinks: 2 files, 12 bytes");
	path_format(p, "%s/include/linux/c.h", dest);
	ok(readlink(p, why, sizeof(why)) == 3, "...the symlink recreated");

	/* A tree file replaced: named, and the tree is not served. */
	path_format(p, "%s/trees/6.1.0-1-amd64/build/include/linux/b.h", cache);
	unlink(p);
	fs_write_file(p, "hello\n", 6);
	ok(store_tree_check(&s, "6.1.0-1-amd64", why, sizeof(why)) < 0, "a tree file that is not its object fails the check");
	ok(strstr(why, "build/include/linux/b.h") != NULL, "...and is named: %s", why);
	unlink(p);
	ok(store_tree_check(&s, "6.1.0-1-amd64", why, sizeof(why)) < 0 && strstr(why, "missing"),
	   "a missing tree file fails the check: %s", why);
	store_close(&s);
	is_int(count_objects(cache), 5, "objects: hello, big, other, manifest, the list");

	adopt_tests(top);

	snprintf(p, sizeof(p), "rm -rf '%s'", top);
	if (system(p) != 0)
		printf("# cannot remove %s\n", top);
	return tap_done();
}
