#include "lib/rpm/rpmrepo.h"

#include "lib/net/gpgverify.h"
#include "lib/net/hostkey.h"
#include "lib/pkgfetch/index.h"
#include "lib/rpm/metalink.h"
#include "lib/rpm/mirrorlist.h"
#include "lib/rpm/repomd.h"
#include "util/macro.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REPOMD_MAX (16u << 20)
#define MAX_KEYS 16

static void no_note(void *data, int warning, const char *fmt, ...)
{
	(void)data, (void)warning, (void)fmt;
}

int rpm_reader_init(struct rpm_reader *r)
{
	memset(r, 0, sizeof(*r));
	fetch_opts_defaults(&r->fetch);
	r->note = no_note;
	r->index_sources = json_object_new_array();
	return r->index_sources ? 0 : -ENOMEM;
}

void rpm_reader_free(struct rpm_reader *r)
{
	free(r->pkgs.pkgs);
	r->pkgs.pkgs = NULL;
	r->pkgs.n = 0;
	json_object_put(r->index_sources);
	r->index_sources = NULL;
}

int rpm_reader_error_is_fatal(int err)
{
	return err == -EKEYREJECTED || err == -ENOKEY || err == -EILSEQ || err == -ENOMEM;
}

/* The repository's gpgkey files (file:// URLs, host paths opened
 * confined) and --keyring; keys on the network are not trusted. */
static int collect_keys(const struct rpm_reader *r, const struct rpm_repo *repo, char files[][PATH_MAX],
			char names[][PATH_MAX], int fds[])
{
	int n = 0, i;

	for (i = 0; i < MAX_KEYS; i++)
		fds[i] = -1;
	for (i = 0; i < repo->n_gpgkeys && n < MAX_KEYS; i++) {
		if (strncmp(repo->gpgkeys[i], "file://", 7) != 0) {
			r->note(r->note_data, 1, "%s: gpgkey %s is not a file: not used (keys are trusted from the host only)",
				repo->origin, repo->gpgkeys[i]);
			continue;
		}
		if (hostkey_open(r->hr, repo->gpgkeys[i] + 7, files[n], names[n], &fds[n]) == 0)
			n++;
		else
			r->note(r->note_data, 1, "%s: gpgkey %s cannot be read under the host root", repo->origin,
				repo->gpgkeys[i]);
	}
	for (i = 0; i < r->n_keyrings && n < MAX_KEYS; i++) {
		snprintf(files[n], PATH_MAX, "%s", r->keyrings[i]);
		snprintf(names[n], PATH_MAX, "%s", r->keyrings[i]);
		n++;
	}
	return n;
}

static int verify_repomd(const struct rpm_reader *r, const struct rpm_repo *repo, const char *data, size_t len,
			 const char *sig, size_t sig_len, char fpr[65], char *why, size_t whylen)
{
	_cleanup_free_ char(*files)[PATH_MAX] = calloc(MAX_KEYS, PATH_MAX);
	_cleanup_free_ char(*names)[PATH_MAX] = calloc(MAX_KEYS, PATH_MAX);
	const char *fp[MAX_KEYS], *np[MAX_KEYS];
	int fds[MAX_KEYS], n, i, ret;
	struct gpg_keys keys = { 0 };
	char *text = NULL;
	size_t text_len = 0;

	if (!files || !names)
		return -ENOMEM;
	n = collect_keys(r, repo, files, names, fds);
	for (i = 0; i < n; i++)
		fp[i] = files[i], np[i] = names[i];
	keys.files = fp;
	keys.names = np;
	keys.n_files = (size_t)n;
	ret = gpg_verify(&keys, data, len, sig, sig_len, &text, &text_len, fpr, why, whylen);
	free(text);
	for (i = 0; i < MAX_KEYS; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return ret;
}

/* repomd.xml, its signature checked when the repository asks for it. */
static int fetch_repomd(struct rpm_reader *r, const struct rpm_repo *repo, const struct fetch_opts *fo,
			const char *base, const struct rpm_metalink *ml, char **ret_data, size_t *ret_len, char *why,
			size_t whylen)
{
	struct fetch_opts mfo = *fo;
	char url[2048], asc_url[2100], fpr[65] = "", gwhy[1024] = "";
	char *data = NULL, *sig = NULL;
	size_t len = 0, sig_len = 0;
	struct fetch_result res, sres;
	int ret;

	snprintf(url, sizeof(url), "%s/repodata/repomd.xml", base);
	mfo.want_sha512 = 1;
	ret = fetch_to_memory(&mfo, url, REPOMD_MAX, &data, &len, &res, why, whylen);
	if (ret < 0)
		return ret;
	/* The metalink's hashes, before anything else reads it: a mirror
	 * serving another repomd.xml than the metalink's is refused. */
	if (ml && ml->n_hashes && !rpm_metalink_matches(ml, res.sha256, res.sha512)) {
		snprintf(why, whylen, "%s: sha256 %s matches none of the %d hash(es) %s lists", url, res.sha256,
			 ml->n_hashes, repo->metalink);
		free(data);
		return -EKEYREJECTED;
	}
	if (!repo->repo_gpgcheck || r->skip_signature) {
		r->note(r->note_data, 1, "NOT checking the signature of %s (%s%s); only checksums protect what follows", url,
			r->skip_signature ? "--insecure-skip-signature" : "repo_gpgcheck is off in ", r->skip_signature ? "" : repo->origin);
		index_record_source(r->index_sources, "repomd", url, &res, NULL);
		*ret_data = data;
		*ret_len = len;
		return 0;
	}
	snprintf(asc_url, sizeof(asc_url), "%s.asc", url);
	ret = fetch_to_memory(fo, asc_url, 1u << 20, &sig, &sig_len, &sres, why, whylen);
	if (ret == -ENOENT) {
		snprintf(why, whylen, "%s: repo_gpgcheck=1 in %s, but the repository has no signature", asc_url, repo->origin);
		ret = -EKEYREJECTED;
	}
	if (ret == 0) {
		ret = verify_repomd(r, repo, data, len, sig, sig_len, fpr, gwhy, sizeof(gwhy));
		if (ret < 0) {
			snprintf(why, whylen, "%s: %s", asc_url, gwhy);
			ret = ret == -ENOMEM ? ret : -EKEYREJECTED;
		}
	}
	free(sig);
	if (ret < 0) {
		free(data);
		return ret;
	}
	r->note(r->note_data, 0, "%s: good signature by %s", url, fpr);
	index_record_source(r->index_sources, "repomd", url, &res, fpr);
	*ret_data = data;
	*ret_len = len;
	return 0;
}

struct keep_ctx {
	const struct rpm_reader *r;
	struct rpm_pkglist *into;
	const char *base;
	int repo_index;
};

static int keep_pkg(void *data, const struct rpm_pkg *pkg, const struct rpm_provide *prov, size_t n)
{
	struct keep_ctx *k = data;
	const char *const *pat;
	struct rpm_pkg *bigger, *p;
	size_t i;

	/* noarch: SUSE's kernel-devel, the source half of its split tree. */
	if (strcmp(pkg->arch, k->r->basearch) != 0 && strcmp(pkg->arch, "noarch") != 0)
		return 0;
	for (pat = k->r->name_patterns; pat && *pat; pat++)
		if (fnmatch(*pat, pkg->name, 0) == 0)
			break;
	if (!pat || !*pat)
		return 0;
	bigger = realloc(k->into->pkgs, (k->into->n + 1) * sizeof(*bigger));
	if (!bigger)
		return -ENOMEM;
	k->into->pkgs = bigger;
	p = &bigger[k->into->n++];
	*p = *pkg;
	snprintf(p->base_uri, sizeof(p->base_uri), "%s", k->base);
	p->repo_index = k->repo_index;
	p->uname_r[0] = '\0';
	snprintf(p->evr, sizeof(p->evr), "%s%s%s-%s", strcmp(pkg->epoch, "0") && pkg->epoch[0] ? pkg->epoch : "",
		 strcmp(pkg->epoch, "0") && pkg->epoch[0] ? ":" : "", pkg->ver, pkg->rel);
	p->own_evrs[0] = '\0';
	for (i = 0; i < n; i++) {
		size_t o = strlen(p->own_evrs);

		if (k->r->release_provide && fnmatch(k->r->release_provide, prov[i].name, 0) == 0)
			snprintf(p->uname_r, sizeof(p->uname_r), "%s", prov[i].evr);
		if (strcmp(prov[i].name, pkg->name) == 0 && prov[i].evr[0] && !strchr(prov[i].evr, ' ') &&
		    o + strlen(prov[i].evr) + 2 < sizeof(p->own_evrs))
			snprintf(p->own_evrs + o, sizeof(p->own_evrs) - o, "%s%s", o ? " " : "", prov[i].evr);
	}
	return 0;
}

static int feed_primary(void *data, const void *buf, size_t len)
{
	return rpm_primary_feed(data, buf, len);
}

/* One attempt at primary: stream, decompress, parse, check. */
static int read_primary_once(const struct fetch_opts *rfo, const char *url, const struct rpm_repomd_entry *e,
			     struct keep_ctx *k, struct fetch_result *res, char *why, size_t whylen)
{
	struct rpm_primary *parser = rpm_primary_new(keep_pkg, k);
	struct fetch_opts fo = *rfo;
	struct index_stream is;
	char pwhy[512] = "";
	const char *got;
	int parse_ret;

	if (!parser)
		return -ENOMEM;
	fo.want_sha512 = strcmp(e->digest_algo, "sha512") == 0;
	if (index_stream_fetch(&fo, url, e->size, feed_primary, parser, &is) < 0) {
		rpm_primary_finish(parser, NULL, pwhy, sizeof(pwhy));
		return -ENOMEM;
	}
	*res = is.res;
	parse_ret = rpm_primary_finish(parser, NULL, pwhy, sizeof(pwhy));
	if (is.fetch_ret < 0) {
		snprintf(why, whylen, "%s", is.fetch_why);
		return is.fetch_ret == -EFBIG ? -EKEYREJECTED : is.fetch_ret;
	}
	got = fo.want_sha512 ? res->sha512 : res->sha256;
	if (strcmp(got, e->digest) != 0 || (e->size && res->bytes != e->size)) {
		snprintf(why, whylen, "%s: checksum mismatch: %s %s, %llu bytes; repomd.xml lists %s, %llu bytes", url,
			 e->digest_algo, got, res->bytes, e->digest, e->size);
		return -EKEYREJECTED;
	}
	if (is.data_ret < 0) {
		snprintf(why, whylen, "%s: corrupt index: %s", url, is.data_why);
		return -EILSEQ;
	}
	if (parse_ret == -ENOMEM)
		return parse_ret;
	if (parse_ret < 0) {
		snprintf(why, whylen, "%s: %s", url, pwhy);
		return -EILSEQ;
	}
	return 0;
}

static int merge(struct rpm_pkglist *into, const struct rpm_pkglist *from)
{
	struct rpm_pkg *bigger;

	if (!from->n)
		return 0;
	bigger = realloc(into->pkgs, (into->n + from->n) * sizeof(*bigger));
	if (!bigger)
		return -ENOMEM;
	memcpy(bigger + into->n, from->pkgs, from->n * sizeof(*bigger));
	into->pkgs = bigger;
	into->n += from->n;
	return 0;
}

/* An index is read whole or not at all: a retry starts from nothing. */
static int read_primary(struct rpm_reader *r, const struct fetch_opts *fo, const char *base,
			const struct rpm_repomd_entry *e, int repo_index, char *why, size_t whylen)
{
	char url[2048];
	int attempt, ret = -ECOMM;

	snprintf(url, sizeof(url), "%s/%s", base, e->href);
	r->note(r->note_data, 0, "reading %s (%llu bytes)", url, e->size);
	for (attempt = 1; attempt <= fo->attempts; attempt++) {
		struct rpm_pkglist tmp = { 0 };
		struct keep_ctx k = { .r = r, .into = &tmp, .base = base, .repo_index = repo_index };
		struct fetch_result res;

		if (attempt > 1) {
			r->note(r->note_data, 0, "retrying %s (attempt %d of %d) after: %s", url, attempt, fo->attempts,
				why);
			fetch_backoff(attempt);
		}
		ret = read_primary_once(fo, url, e, &k, &res, why, whylen);
		if (ret == 0) {
			ret = merge(&r->pkgs, &tmp);
			index_record_source(r->index_sources, "index", url, &res, NULL);
		}
		free(tmp.pkgs);
		if (ret != -EAGAIN)
			return ret;
	}
	return ret;
}

/* One base URL: its repomd.xml (checked against the metalink's hashes
 * and its signature), then its primary index. */
static int read_base(struct rpm_reader *r, const struct rpm_repo *repo, const struct fetch_opts *fo, const char *base,
		     const struct rpm_metalink *ml, int i, char *why, size_t whylen)
{
	struct rpm_repomd_entry e;
	char *data = NULL, pwhy[512];
	size_t len = 0;
	int ret;

	ret = fetch_repomd(r, repo, fo, base, ml, &data, &len, why, whylen);
	if (ret < 0)
		return ret;
	ret = rpm_repomd_parse(data, len, &e, pwhy, sizeof(pwhy));
	free(data);
	if (ret < 0) {
		snprintf(why, whylen, "%s/repodata/repomd.xml: %s", base, pwhy);
		return ret == -ENOMEM ? ret : -EILSEQ;
	}
	return read_primary(r, fo, base, &e, i, why, whylen);
}

static int is_xml(const char *text, size_t len)
{
	size_t i = 0;

	while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
		i++;
	return i < len && text[i] == '<';
}

/* The base URLs to try: baseurl, else the mirrors a metalink or a
 * mirrorlist lists (yum's mirrorlist= may serve a metalink too: read as
 * one). *ml is set for a metalink, whose hashes repomd.xml must match. */
static int candidates(struct rpm_reader *r, const struct rpm_repo *repo, const struct fetch_opts *fo,
		      struct rpm_mirrors *m, struct rpm_metalink **ml, char *why, size_t whylen)
{
	const char *url = repo->metalink[0] ? repo->metalink : repo->mirrorlist;
	char *text = NULL, pwhy[512] = "";
	struct fetch_result res;
	size_t len = 0;
	int i, ret;

	for (i = 0; i < repo->n_baseurls; i++)
		rpm_mirrors_add(m, repo->baseurls[i], strlen(repo->baseurls[i]));
	if (m->n)
		return 0;
	if (!url[0]) {
		snprintf(why, whylen, "%s: [%s] has no baseurl, mirrorlist or metalink", repo->origin, repo->id);
		return -ENOENT;
	}
	ret = fetch_to_memory(fo, url, RPM_MIRRORLIST_MAX_BYTES, &text, &len, &res, why, whylen);
	if (ret < 0)
		return ret == -EFBIG ? -EILSEQ : ret;
	if (repo->metalink[0] || is_xml(text, len)) {
		*ml = calloc(1, sizeof(**ml));
		ret = *ml ? rpm_metalink_parse(text, len, *ml, pwhy, sizeof(pwhy)) : -ENOMEM;
		if (ret == 0)
			*m = (*ml)->mirrors;
	} else {
		ret = rpm_mirrorlist_parse(text, len, m, pwhy, sizeof(pwhy));
	}
	free(text);
	if (ret < 0) {
		snprintf(why, whylen, "%s: %s", url, pwhy);
		return ret == -ENOMEM ? ret : -EILSEQ;
	}
	index_record_source(r->index_sources, *ml ? "metalink" : "mirrorlist", url, &res, NULL);
	r->note(r->note_data, 0, "%s: %d mirror(s) of [%s]%s", url, m->n, repo->id,
		*ml && (*ml)->n_hashes ? ", repomd.xml checked against its hashes" : "");
	return 0;
}

int rpm_reader_read(struct rpm_reader *r, const struct rpm_repo *repo, const struct fetch_opts *fo, int i, char *why,
		    size_t whylen)
{
	struct rpm_mirrors *m = calloc(1, sizeof(*m));
	struct rpm_metalink *ml = NULL;
	int k, ret;

	if (!m)
		return -ENOMEM;
	if (!fo)
		fo = &r->fetch;
	ret = candidates(r, repo, fo, m, &ml, why, whylen);
	for (k = 0; ret == 0 && k < m->n; k++) {
		ret = read_base(r, repo, fo, m->base[k], ml, i, why, whylen);
		if (ret == 0 || ret == -ENOMEM || ret == -ETIME || k + 1 == m->n)
			break;
		/* Each mirror that fails says so in one line; the last one's
		 * error is the caller's to report. */
		r->note(r->note_data, 1, "[%s] mirror %d of %d refused, trying the next: %s", repo->id, k + 1, m->n, why);
		ret = 0;
	}
	free(ml);
	free(m);
	return ret;
}
