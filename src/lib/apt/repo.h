/* Reading an apt repository with its chain of trust checked: the
 * InRelease (or Release + Release.gpg) signature against the keyrings
 * trusted for that source, then each Packages index it lists, streamed,
 * decompressed and checked against Release, retried when the network
 * fails. What is kept accumulates in one package list. */
#ifndef PH_APT_REPO_H
#define PH_APT_REPO_H

#include "lib/apt/aptsources.h"
#include "lib/apt/pkglist.h"
#include "lib/net/fetch.h"
#include "lib/pkgfetch/download.h"

#include <json-c/json.h>

struct hostroot;

/* What a library does not log itself: a line for the caller's log
 * (warning: 1 for a warning, 0 for information). May be called from
 * download threads. */
typedef pkg_note_fn apt_note_fn;

struct apt_repo {
	/* Set by the caller (apt_repo_init fills fetch with defaults and
	 * note with one that says nothing). */
	struct fetch_opts fetch;           /* userpwd is set per source from the config's auth.conf */
	const struct apt_config *cfg;
	const struct hostroot *hr;         /* Signed-By and the trusted keyrings are host paths */
	const char *arch;                  /* the Debian arch of the indexes to read */
	const char *const *index_patterns; /* the packages kept (fnmatch) */
	const char *const *components;     /* for a source that names none */
	const char *const *keyrings;       /* --keyring files, used when a source has no Signed-By */
	int n_keyrings;
	const char *const *trusted_keyrings; /* the distribution's: host paths of files or folders */
	int skip_signature;                /* --insecure-skip-signature */
	apt_note_fn note;
	void *note_data;
	/* Filled as sources are read. */
	struct apt_pkglist pkgs;
	json_object *index_sources; /* each Release and index read: URL, size, sha256, signer */
};

/* 0, or -ENOMEM. */
int apt_repo_init(struct apt_repo *r);
void apt_repo_free(struct apt_repo *r);

/* Whether source i of the config serves r's arch. */
int apt_repo_wants_source(const struct apt_repo *r, size_t i);

/* Reads source i of the config: its signed Release and the Packages index
 * of each component for r's arch. Errors: -EKEYREJECTED (bad signature,
 * hash mismatch, unsigned), -EILSEQ (malformed or corrupt), -ENOMEM, and
 * fetch's network errors; why says which URL and why. */
int apt_repo_read_source(struct apt_repo *r, size_t i, char *why, size_t whylen);

/* Whether an error of apt_repo_read_source breaks the chain of trust or
 * the program (as opposed to one source being unreachable). */
int apt_repo_error_is_fatal(int err);

#endif
