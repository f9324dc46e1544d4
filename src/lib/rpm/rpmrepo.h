/* Reading an rpm-md repository with its chain of trust checked:
 * repodata/repomd.xml, its detached signature repomd.xml.asc against the
 * repository's gpgkey files (under the host root) when repo_gpgcheck is
 * on, then the primary index it lists, streamed, decompressed, parsed
 * and checked against repomd's checksum. The header packages kept
 * accumulate in one list. */
#ifndef PH_RPM_RPMREPO_H
#define PH_RPM_RPMREPO_H

#include "lib/net/fetch.h"
#include "lib/pkgfetch/download.h"
#include "lib/rpm/primary.h"
#include "lib/rpm/repofile.h"

#include <json-c/json.h>

struct hostroot;

struct rpm_pkglist {
	struct rpm_pkg *pkgs;
	size_t n;
};

struct rpm_reader {
	/* Set by the caller (rpm_reader_init sets defaults). */
	struct fetch_opts fetch;
	const struct hostroot *hr;        /* gpgkey file:// URLs are host paths */
	const char *basearch;             /* packages of another arch (noarch aside) are not kept */
	const char *const *name_patterns; /* the packages kept (fnmatch) */
	const char *release_provide;      /* fnmatch, "kernel*-devel-uname-r": its version is the kernel release */
	const char *const *keyrings;      /* --keyring files, trusted besides the repository's gpgkey */
	int n_keyrings;
	int skip_signature;               /* --insecure-skip-signature */
	pkg_note_fn note;
	void *note_data;
	/* Filled as repositories are read. */
	struct rpm_pkglist pkgs;
	json_object *index_sources; /* repomd and primary read: URL, size, sha256, signer */
};

int rpm_reader_init(struct rpm_reader *r);
void rpm_reader_free(struct rpm_reader *r);

/* Reads repo (index i of the configuration) with fo (its proxy and
 * certificates: lib/rpm/reponet.h; NULL: r->fetch). Its baseurls, else
 * the mirrors its metalink or mirrorlist lists, are tried in order until
 * one serves a repomd.xml that passes every check (the metalink's hashes,
 * the signature) and its primary index; each one refused is noted. Errors
 * (the last mirror's): -EKEYREJECTED (bad or missing signature, checksum
 * or metalink hash mismatch), -EILSEQ (malformed index, mirrorlist or
 * metalink), -ENOENT (nothing to read), -ENOMEM, and fetch's network
 * errors; why names the URL. */
int rpm_reader_read(struct rpm_reader *r, const struct rpm_repo *repo, const struct fetch_opts *fo, int i, char *why,
		    size_t whylen);

/* Whether an error of rpm_reader_read breaks the chain of trust or the
 * program (as opposed to one repository being unreachable). */
int rpm_reader_error_is_fatal(int err);

#endif
