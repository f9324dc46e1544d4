/* `cache ls|verify|prune` over the store of --cache-dir, and warm's
 * step that stores each published tree there (lib/store). */
#include "tool/cachecmd.h"

#include "lib/output/manifest.h"
#include "lib/store/store.h"
#include "tool/exitcodes.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/macro.h"
#include "util/path.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void human(unsigned long long bytes, char *buf, size_t len)
{
	if (bytes >= 10ull << 20)
		snprintf(buf, len, "%.1f MiB", (double)bytes / (1 << 20));
	else if (bytes >= 10ull << 10)
		snprintf(buf, len, "%.1f KiB", (double)bytes / (1 << 10));
	else
		snprintf(buf, len, "%llu B", bytes);
}

static void age(long long seconds, char *buf, size_t len)
{
	if (seconds < 0)
		seconds = 0;
	if (seconds >= 86400)
		snprintf(buf, len, "%lldd", seconds / 86400);
	else if (seconds >= 3600)
		snprintf(buf, len, "%lldh", seconds / 3600);
	else if (seconds >= 60)
		snprintf(buf, len, "%lldm", seconds / 60);
	else
		snprintf(buf, len, "%llds", seconds);
}

static int open_store(const struct options *o, struct store *s)
{
	int ret = store_open(s, o->cache_dirs[0], 0);

	if (ret == -ENOENT || ret == -ENOTDIR) {
		log_error("cache %s: %s: %s", o->cache_action, o->cache_dirs[0], strerror(-ret));
		return PH_EXIT_NO_HEADERS;
	}
	if (ret == -EBADMSG) {
		log_error("cache %s: %s/index.json is malformed", o->cache_action, o->cache_dirs[0]);
		return PH_EXIT_VERIFY;
	}
	if (ret < 0) {
		log_error("cache %s: %s: %s", o->cache_action, o->cache_dirs[0], strerror(-ret));
		return PH_EXIT_OUTPUT;
	}
	return PH_EXIT_OK;
}

static int cache_ls(const struct options *o, struct store *s)
{
	json_object *unique = NULL, *out = json_object_new_object(), *arr = json_object_new_array(), *u;
	unsigned long long naive = 0, disk = 0, objects = 0;
	const char **rels = NULL;
	long long now = (long long)time(NULL);
	size_t n = 0, i;
	int ret;

	ret = store_releases(s, &rels, &n);
	if (ret == 0)
		ret = store_unique_bytes(s, &unique);
	if (ret == 0)
		ret = store_usage(s, &disk, &objects);
	if (ret < 0) {
		log_error("cache ls: %s: %s", s->dir, strerror(-ret));
		free(rels);
		json_object_put(out);
		json_object_put(arr);
		return PH_EXIT_OUTPUT;
	}
	if (!o->json && n)
		printf("%-32s %-8s %12s %12s %-14s %s\n", "KERNEL", "ARCH", "BYTES", "UNIQUE", "LEVEL", "AGE");
	for (i = 0; i < n; i++) {
		struct store_tree t;
		unsigned long long ub = 0;
		char b[32], ubuf[32], a[16];
		json_object *row;

		if (store_tree_entry(s, rels[i], &t) < 0) {
			log_warn("cache ls: the index entry of %s is malformed", rels[i]);
			continue;
		}
		if (json_object_object_get_ex(unique, rels[i], &u))
			ub = (unsigned long long)json_object_get_int64(u);
		naive += t.bytes;
		if (o->json) {
			row = json_object_new_object();
			json_set_string(row, "release", t.release);
			json_set_string(row, "arch", t.arch);
			json_object_object_add(row, "bytes", json_object_new_int64((int64_t)t.bytes));
			json_object_object_add(row, "unique_bytes", json_object_new_int64((int64_t)ub));
			json_object_object_add(row, "files", json_object_new_int64((int64_t)t.files));
			json_object_object_add(row, "objects", json_object_new_int64((int64_t)t.objects));
			json_object_object_add(row, "exact", json_object_new_boolean(t.exact));
			json_set_string(row, "level", t.level);
			json_set_string(row, "origin", t.origin);
			json_object_object_add(row, "time", json_object_new_int64(t.time));
			json_object_object_add(row, "age_seconds", json_object_new_int64(now - t.time));
			json_object_array_add(arr, row);
			continue;
		}
		human(t.bytes, b, sizeof(b));
		human(ub, ubuf, sizeof(ubuf));
		age(now - t.time, a, sizeof(a));
		printf("%-32s %-8s %12s %12s %-14s %s\n", t.release, t.arch, b, ubuf, t.level, a);
	}
	if (o->json) {
		json_object_object_add(out, "cache", json_object_new_string(s->dir));
		json_object_object_add(out, "trees", arr);
		json_object_object_add(out, "store_bytes", json_object_new_int64((int64_t)disk));
		json_object_object_add(out, "objects", json_object_new_int64((int64_t)objects));
		json_object_object_add(out, "naive_bytes", json_object_new_int64((int64_t)naive));
		printf("%s\n", json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		arr = NULL;
	} else {
		char d[32], nv[32];

		human(disk, d, sizeof(d));
		human(naive, nv, sizeof(nv));
		printf("%zu tree(s), %llu objects, %s in objects for %s of trees (%.2fx)\n", n, objects, d, nv,
		       naive ? (double)disk / (double)naive : 0.0);
	}
	json_object_put(arr);
	json_object_put(out);
	json_object_put(unique);
	free(rels);
	return PH_EXIT_OK;
}

static void print_problem(void *data, const char *kind, const char *path, const char *what, unsigned long long bytes)
{
	const struct store *s = data;

	(void)bytes;
	if (strcmp(kind, "unindexed") == 0)
		log_warn("cache verify: %s/%s: %s", s->dir, path, what);
	else
		printf("BAD %s %s/%s: %s\n", kind, s->dir, path, what);
}

static int cache_verify(struct store *s)
{
	int problems = store_verify(s, print_problem, s);

	if (problems < 0) {
		log_error("cache verify: %s: %s", s->dir, strerror(-problems));
		return PH_EXIT_OUTPUT;
	}
	if (problems > 0) {
		log_error("cache verify: %d problem(s) in %s", problems, s->dir);
		return PH_EXIT_VERIFY;
	}
	log_info("cache verify: %s: every object matches its hash and every tree its index", s->dir);
	return PH_EXIT_OK;
}

struct prune_print {
	const struct store *s;
	int dry_run;
};

static void print_removal(void *data, const char *kind, const char *path, const char *what,
			  unsigned long long bytes)
{
	const struct prune_print *p = data;

	(void)what;
	printf("%s %s %s/%s (%llu bytes)\n", p->dry_run ? "would remove" : "removed", kind, p->s->dir, path, bytes);
}

static void free_names(const char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free((char *)names[i]);
	free(names);
}

/* Releases to keep from --keep and --keep-from; then which indexed trees go. */
static int prune_choose(const struct options *o, struct store *s, const char ***ret_drop, size_t *ret_n)
{
	const char **rels = NULL, **drop;
	char *text = NULL;
	long long now = (long long)time(NULL);
	size_t n = 0, i, nd = 0;
	int ret;

	if (o->keep_from) {
		ret = fs_read_small_file(o->keep_from, 1 << 20, &text, NULL);
		if (ret < 0) {
			log_error("--keep-from %s: %s", o->keep_from, strerror(-ret));
			return PH_EXIT_USAGE;
		}
	}
	ret = store_releases(s, &rels, &n);
	if (ret < 0)
		return PH_EXIT_INTERNAL;
	drop = calloc(n + 1, sizeof(*drop));
	if (!drop) {
		free(rels);
		free(text);
		return PH_EXIT_INTERNAL;
	}
	for (i = 0; i < n; i++) {
		struct store_tree t = { 0 };
		int keep = !o->n_keep && !o->keep_from, k;

		for (k = 0; k < o->n_keep; k++)
			keep |= strcmp(o->keep[k], rels[i]) == 0;
		if (text) {
			const char *p = text;
			size_t len = strlen(rels[i]);

			/* One release a line; blanks around it are ignored. */
			while ((p = strstr(p, rels[i]))) {
				const char *end = p + len;

				if ((p == text || p[-1] == '\n' || p[-1] == ' ' || p[-1] == '\t') &&
				    (*end == '\0' || *end == '\n' || *end == '\r' || *end == ' ' || *end == '\t')) {
					keep = 1;
					break;
				}
				p = end;
			}
		}
		if (o->older_than_set && store_tree_entry(s, rels[i], &t) == 0 &&
		    now - t.time > (long long)o->older_than_days * 86400)
			keep = 0;
		/* A copy: prune deletes the index entry the name lives in. */
		if (!keep && !(drop[nd++] = strdup(rels[i]))) {
			free(text);
			free(rels);
			free_names(drop, nd);
			return PH_EXIT_INTERNAL;
		}
	}
	free(text);
	free(rels);
	*ret_drop = drop;
	*ret_n = nd;
	return PH_EXIT_OK;
}

static int cache_prune(const struct options *o, struct store *s)
{
	struct prune_print pp = { .s = s, .dry_run = o->dry_run };
	const char **drop = NULL;
	unsigned long long bytes = 0;
	size_t n = 0;
	int code, ret;

	if (!o->dry_run) {
		ret = store_lock(s);
		if (ret < 0) {
			log_error("cache prune: cannot lock %s: %s", s->dir, strerror(-ret));
			return PH_EXIT_OUTPUT;
		}
		/* The runs serving from the store finish first. Taken after
		 * the writer lock, the one order of the two: no reader waits
		 * for the writer lock while it holds a share of this one. */
		ret = store_use_lock(s, 1, 0);
		if (ret == -EWOULDBLOCK) {
			log_info("cache prune: waiting for the runs reading %s to finish (lock file %s/%s)", s->dir, s->dir,
				 STORE_USE_LOCK);
			ret = store_use_lock(s, 1, STORE_PRUNE_WAIT_S);
		}
		if (ret < 0) {
			log_error("cache prune: %s/%s: %s", s->dir, STORE_USE_LOCK,
				  ret == -ETIMEDOUT ? "still held by a reader; nothing removed" : strerror(-ret));
			return PH_EXIT_OUTPUT;
		}
	}
	code = prune_choose(o, s, &drop, &n);
	if (code != PH_EXIT_OK)
		return code;
	ret = store_prune(s, drop, n, o->dry_run, print_removal, &pp, &bytes);
	free_names(drop, n);
	if (ret == -EBADMSG) {
		log_error("cache prune: a kept tree's file list cannot be read, so no object is removed; run cache verify");
		return PH_EXIT_VERIFY;
	}
	if (ret < 0) {
		log_error("cache prune: %s: %s", s->dir, strerror(-ret));
		return PH_EXIT_OUTPUT;
	}
	log_info("cache prune: %s %zu tree(s) and %llu bytes of objects", o->dry_run ? "would remove" : "removed", n,
		 bytes);
	return PH_EXIT_OK;
}

int cachecmd_run(const struct options *o)
{
	struct store s;
	int code;

	code = open_store(o, &s);
	if (code != PH_EXIT_OK)
		return code;
	/* ls, verify and a dry run read: a prune running is waited for, a
	 * while (what they would see is half removed). */
	if (strcmp(o->cache_action, "prune") != 0 || o->dry_run) {
		char why[PATH_MAX + 128];
		int ret = store_use_lock(&s, 0, STORE_READER_WAIT_S);

		if (ret < 0) {
			store_use_lock_problem(&s, ret, why, sizeof(why));
			log_error("cache %s: %s", o->cache_action, why);
			store_close(&s);
			return PH_EXIT_OUTPUT;
		}
	}
	if (strcmp(o->cache_action, "ls") == 0)
		code = cache_ls(o, &s);
	else if (strcmp(o->cache_action, "verify") == 0)
		code = cache_verify(&s);
	else
		code = cache_prune(o, &s);
	store_close(&s);
	return code;
}

int cachecmd_stored(const struct options *o, const char *release, const char *arch, char *ret_other, size_t otherlen)
{
	char why[PATH_MAX + 128];
	struct store s;
	struct store_tree t;
	int ok;

	if (store_open(&s, o->cache_dirs[0], 0) < 0)
		return 0;
	if (store_tree_entry(&s, release, &t) < 0) {
		store_close(&s);
		return 0;
	}
	/* Keyed by release alone: the same name on another arch (Ubuntu's
	 * 6.8.0-45-generic) is another kernel, never this one's tree. */
	if (strcmp(t.arch ? t.arch : "", arch) != 0) {
		snprintf(ret_other, otherlen, "%s", t.arch && t.arch[0] ? t.arch : "an unknown arch");
		store_close(&s);
		return -EEXIST;
	}
	ok = store_tree_check(&s, release, why, sizeof(why)) == 0;
	store_close(&s);
	return ok;
}

int cachecmd_ingest(const struct options *o, const char *release)
{
	char release_dir[PATH_MAX], why[PATH_MAX + 128];
	struct store s;
	struct store_tree t;
	json_object *m = NULL, *kernel = NULL;
	const char *arch;
	unsigned long long added = 0;
	int ret;

	if (path_join(release_dir, o->output, release) < 0)
		return PH_EXIT_OUTPUT;
	ret = store_open(&s, o->cache_dirs[0], 1);
	if (ret == 0)
		ret = store_lock(&s);
	if (ret < 0) {
		log_error("warm: cache %s: %s", o->cache_dirs[0], strerror(-ret));
		store_close(&s);
		return PH_EXIT_OUTPUT;
	}
	if (manifest_read(release_dir, &m) < 0) {
		log_error("warm: %s has no readable manifest.json; not stored", release_dir);
		store_close(&s);
		return PH_EXIT_OUTPUT;
	}
	json_object_object_get_ex(m, "kernel", &kernel);
	arch = json_get_string(kernel, "arch", "");
	/* One tree per release: another arch's is not replaced by this one. */
	if (store_tree_entry(&s, release, &t) == 0 && strcmp(t.arch ? t.arch : "", arch) != 0) {
		log_error("warm: the store of %s holds %s for %s already; not stored for %s (the store keeps one tree per "
			  "release until it is keyed by release and arch)",
			  s.dir, release, t.arch && t.arch[0] ? t.arch : "an unknown arch", arch);
		json_object_put(m);
		store_close(&s);
		return PH_EXIT_OUTPUT;
	}
	/* Idempotent: a tree the store holds whole is not stored again. */
	if (store_tree_entry(&s, release, &t) == 0 && store_tree_check(&s, release, why, sizeof(why)) == 0) {
		json_object_put(m);
		log_info("warm: %s is in the store of %s already", release, s.dir);
		store_close(&s);
		return PH_EXIT_OK;
	}
	ret = store_ingest(&s,
			   release_dir,
			   &(struct store_tree_info){ .release = release,
						      .arch = arch,
						      .origin = json_get_string(m, "origin", ""),
						      .level = json_get_string(m, "level", NULL),
						      .exact = json_get_bool(m, "exact", 0) },
			   &added);
	json_object_put(m);
	if (ret < 0) {
		log_error("warm: cannot store %s in %s: %s", release, s.dir, strerror(-ret));
		store_close(&s);
		return PH_EXIT_OUTPUT;
	}
	log_info("warm: stored %s in %s (%llu new bytes of objects)", release, s.dir, added);
	store_close(&s);
	return PH_EXIT_OK;
}
