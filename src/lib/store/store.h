/* The content-addressed store inside a cache directory (issue 15):
 *
 *   <cache>/objects/ab/<sha256>   every distinct file once, mode 0444
 *   <cache>/trees/<release>/      build/ and manifest.json as published;
 *                                 regular files are hardlinks to objects,
 *                                 symlinks and directories recreated
 *   <cache>/index.json            what the cache holds (written atomically)
 *   <cache>/tmp/                  ingest work area, emptied under the lock
 *   <cache>/.lock                 one writer at a time (flock)
 *   <cache>/.use.lock             readers shared, prune alone (uselock.c)
 *
 * Each tree's file list (path, sha256, size, mode; symlink targets;
 * directories) is itself an object, named in the index by its hash, so
 * `verify` checks the lists with the objects. The index is never trusted
 * alone: a tree is served only when its list object hashes to what the
 * index says and each tree file is the list's object (same inode, same
 * size); see store_tree_check. Older caches laid out as <cache>/<release>/
 * (warm's output volume) are read by the cache strategy as before. */
#ifndef PH_STORE_H
#define PH_STORE_H

#include <json-c/json.h>
#include <limits.h>
#include <time.h>

#define STORE_INDEX_VERSION 1
/* The most rows a file list may have (store_list_check). */
#define STORE_MAX_LIST_ROWS 200000

struct store {
	char dir[PATH_MAX];
	int fd;         /* the cache directory */
	int objects_fd; /* <cache>/objects, -1 when the store has none yet */
	int lock_fd;    /* -1 unless store_lock took it */
	int use_fd;     /* -1 unless store_use_lock took it */
	json_object *index; /* {"version":1,"trees":{release:{...}}} */
	unsigned long tmp_seq;
};

/* What the caller knows of a tree being ingested (from its manifest). */
struct store_tree_info {
	const char *release;
	const char *arch;
	const char *origin;
	const char *level; /* "exact", "btf-corrected", "close-match" */
	int exact;
};

/* One tree's entry of the index, as store_tree_entry gives it. */
struct store_tree {
	const char *release, *arch, *origin, *level, *list;
	int exact;
	unsigned long long files, bytes, objects;
	long long time;
};

/* Opens the cache directory; with create, makes it and its folders.
 * Reads the index (a missing index is an empty one; a malformed one is
 * -EBADMSG). */
int store_open(struct store *s, const char *dir, int create);
void store_close(struct store *s);
/* Takes the writer lock (waits for another writer) and empties tmp/. */
int store_lock(struct store *s);
/* The use lock (uselock.c says who takes it how): shared, or exclusive
 * for prune. Waits up to wait_s seconds (0: not at all): 0, -ETIMEDOUT
 * (-EWOULDBLOCK without a wait) while another holds it the other way, or
 * why the lock file cannot be opened. A read-only store without a lock
 * file is read without one (nobody can prune it). Held until
 * store_use_unlock or store_close. */
#define STORE_USE_LOCK ".use.lock"
#define STORE_READER_WAIT_S 10 /* a reader falls through after this */
#define STORE_PRUNE_WAIT_S 600 /* prune gives up after this */
int store_use_lock(struct store *s, int exclusive, int wait_s);
void store_use_unlock(struct store *s);
/* A reader's one line on a use lock it did not get (err from
 * store_use_lock), naming the lock file. */
void store_use_lock_problem(const struct store *s, int err, char *why, size_t whylen);
/* Writes the index: a new file linked in by rename, never in place. */
int store_index_save(struct store *s);

/* The index entry of release, 0 or -ENOENT (or -EBADMSG when malformed). */
int store_tree_entry(const struct store *s, const char *release, struct store_tree *ret);
/* The releases in the index, sorted; the caller frees the array only. */
int store_releases(const struct store *s, const char ***ret, size_t *ret_n);

/* Ingests the published release dir src (holding build/ and
 * manifest.json) as trees/<release>; identical files become one object.
 * *ret_new_bytes: bytes of objects this tree added. */
int store_ingest(struct store *s, const char *src, const struct store_tree_info *info,
		 unsigned long long *ret_new_bytes);

/* Adds the object with the content of fd (read to its end, hashed while
 * reading). ret_sha gets the 64 hex digits, ret_size the length,
 * ret_added 1 when the object is new. */
int store_put_fd(struct store *s, int fd, char ret_sha[65], unsigned long long *ret_size, int *ret_added);
int store_put_mem(struct store *s, const void *data, size_t len, char ret_sha[65], int *ret_added);
/* An object written as it arrives (a download from a cache URL): hashed
 * while written into tmp/, linked in as objects/ab/<sha> only by commit,
 * and only when it hashes to sha and has size bytes (-EBADMSG otherwise:
 * nothing is kept; ret_got says what it hashed to). Several writers may
 * run at once in threads; free discards an uncommitted one. */
struct store_writer;
int store_writer_new(struct store *s, struct store_writer **ret);
int store_writer_write(struct store_writer *w, const void *buf, size_t len);
int store_writer_commit(struct store_writer *w, const char *sha, unsigned long long size, char ret_got[65],
			int *ret_added);
void store_writer_free(struct store_writer *w);
/* Is objects/ab/<sha> in the store (a regular file)? */
int store_has_object(const struct store *s, const char *sha);

/* Builds trees/<info->release> from the list object list_sha (in the
 * store, checked against its hash) and the objects it names (all in the
 * store: -ENOENT names the first missing in why), then records it in the
 * index with what info says (arch, origin, level: what the caller vouches
 * for) and what was counted here (files, bytes, objects, time). The list
 * is not trusted: each path must be relative, without "." or ".." or empty
 * parts, under a directory listed before it; each symlink relative and
 * inside the tree, also through other links (-EBADMSG with why
 * otherwise). Needs store_lock. */
/* Drops release from the index (saved) and removes trees/<release>: a
 * tree adopted but found unusable is not kept to be served again. Needs
 * store_lock. */
int store_forget_tree(struct store *s, const char *release);
/* The checks store_adopt_tree makes of each row of a list, all at once:
 * 0, or -EBADMSG with the first problem in why. */
int store_list_check(json_object *list, char *why, size_t whylen);
int store_adopt_tree(struct store *s, const char *list_sha, const struct store_tree_info *info, char *why,
		     size_t whylen);

/* Opens objects/ab/<sha> read-only, never through a symlink. */
int store_open_object(const struct store *s, const char *sha, int *ret_fd);
/* Reads and parses the list object of a tree (checked against its hash). */
int store_read_list(const struct store *s, const char *sha, json_object **ret);

/* Checks trees/<release> against its list without reading contents: each
 * regular file must be a hardlink to its object (same device and inode)
 * and have the listed size, each symlink the listed target. why names
 * the first thing wrong. */
int store_tree_check(const struct store *s, const char *release, char *why, size_t whylen);

/* Recreates trees/<release>/build at dest (an empty directory): hardlinks
 * to the objects when on the same filesystem, otherwise copies, hashing
 * each copy and refusing one whose hash is not the list's. *ret_linked
 * says which; files and bytes count what dest holds. */
int store_serve(const struct store *s, const char *release, const char *dest, int *ret_linked,
		unsigned long long *ret_files, unsigned long long *ret_bytes, char *why, size_t whylen);

/* What verify and prune found or did, one call per thing: kind is
 * "object", "tree" or "unindexed"; path is relative to the cache. */
typedef void (*store_report_fn)(void *data, const char *kind, const char *path, const char *what,
				unsigned long long bytes);

/* Hashes every object against its name and checks every indexed tree
 * against its list (store_tree_check); each problem is reported. Returns
 * the number of problems, or a negative errno when the store cannot be
 * read at all. */
int store_verify(const struct store *s, store_report_fn report, void *data);

/* Removes the trees named in drop (from the index first, then their
 * directories), then every object no remaining tree's list names; each
 * removal is reported before it is made. With dry_run nothing changes
 * but the reports are the same. Needs store_lock unless dry_run. A tree
 * whose list cannot be read stops the object sweep (-EBADMSG): what it
 * references is unknown. *ret_bytes: bytes of objects removed. The
 * names in drop must not point into the index (its entries are deleted). */
int store_prune(struct store *s, const char *const *drop, size_t n_drop, int dry_run, store_report_fn report,
		void *data, unsigned long long *ret_bytes);

/* Bytes of objects (each counted once) and how many there are. */
int store_usage(const struct store *s, unsigned long long *ret_bytes, unsigned long long *ret_objects);
/* For each indexed tree whose list can be read, the bytes of the
 * objects no other tree uses: {release: bytes}; the caller puts it. */
int store_unique_bytes(const struct store *s, json_object **ret);

/* Is sha 64 lowercase hex digits? */
int store_is_sha(const char *sha);

#endif
