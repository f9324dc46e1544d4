/* A repository index streamed from the network: downloaded, decompressed
 * (gzip, xz, zstd, bzip2 or none, whatever libarchive reads) and handed
 * to a parser as it arrives, never whole in memory, while the download
 * is hashed. Packages (apt) and primary.xml (rpm) both come through
 * here. */
#ifndef PH_PKGFETCH_INDEX_H
#define PH_PKGFETCH_INDEX_H

#include "lib/net/fetch.h"

#include <json-c/json.h>
#include <stddef.h>

/* Takes the next decompressed bytes: 0, or a negative errno to stop
 * feeding (the download is still read to its end and hashed). */
typedef int (*index_feed_fn)(void *data, const void *buf, size_t len);

struct index_stream {
	int fetch_ret;           /* the download: 0 or fetch's error */
	char fetch_why[1024];
	int data_ret;            /* decompression: 0 or -EILSEQ */
	char data_why[512];
	int feed_ret;            /* the first error of feed */
	struct fetch_result res; /* size and hashes of the compressed body */
};

/* One attempt at url (at most max_body bytes; 0: no limit). What went
 * wrong comes back in out, so the caller decides which fault to name
 * first (a hash mismatch before the corruption it explains). -ENOMEM
 * when nothing could start. */
int index_stream_fetch(const struct fetch_opts *fo, const char *url, unsigned long long max_body, index_feed_fn feed,
		       void *data, struct index_stream *out);

/* Appends what the manifest records of a fetched index to sources: its
 * type ("release", "repomd", "index"), URL, size, SHA-256 and, for a
 * signed one, the key's fingerprint fpr (NULL when not signed). */
void index_record_source(json_object *sources, const char *type, const char *url, const struct fetch_result *res,
			 const char *fpr);

#endif
