#include "lib/kconfig/kconfig.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

unsigned kconfig_symbol_hash(const char *s)
{
	uint32_t hash = 2166136261U;

	for (; *s; s++)
		hash = (hash ^ (unsigned char)*s) * 0x01000193;
	return hash;
}

/* Rebuilds the name index at twice the capacity. */
static int reindex(struct kconfig *kc)
{
	size_t size = kc->index_size ? kc->index_size * 2 : 4096, i;
	size_t *index = calloc(size, sizeof(*index));

	if (!index)
		return -ENOMEM;
	for (i = 0; i < kc->n; i++) {
		size_t h = kconfig_symbol_hash(kc->syms[i].name) & (size - 1);

		while (index[h])
			h = (h + 1) & (size - 1);
		index[h] = i + 1;
	}
	free(kc->index);
	kc->index = index;
	kc->index_size = size;
	return 0;
}

void kconfig_free(struct kconfig *kc)
{
	size_t i;

	for (i = 0; i < kc->n; i++) {
		free(kc->syms[i].name);
		free(kc->syms[i].value);
	}
	free(kc->syms);
	free(kc->index);
	memset(kc, 0, sizeof(*kc));
}

static struct kconfig_sym *find(const struct kconfig *kc, const char *name)
{
	size_t h;

	if (!kc->index_size)
		return NULL;
	for (h = kconfig_symbol_hash(name) & (kc->index_size - 1); kc->index[h]; h = (h + 1) & (kc->index_size - 1))
		if (strcmp(kc->syms[kc->index[h] - 1].name, name) == 0)
			return &kc->syms[kc->index[h] - 1];
	return NULL;
}

const char *kconfig_get(const struct kconfig *kc, const char *name)
{
	struct kconfig_sym *s = find(kc, name);

	return s ? s->value : NULL;
}

int kconfig_set(struct kconfig *kc, const char *name, const char *value)
{
	struct kconfig_sym *s = find(kc, name);
	char *v = value ? strdup(value) : NULL;

	if (value && !v)
		return -ENOMEM;
	if (s) {
		free(s->value);
		s->value = v;
		return 0;
	}
	if (kc->n == kc->cap) {
		size_t cap = kc->cap ? kc->cap * 2 : 1024;
		struct kconfig_sym *bigger = realloc(kc->syms, cap * sizeof(*bigger));

		if (!bigger) {
			free(v);
			return -ENOMEM;
		}
		kc->syms = bigger;
		kc->cap = cap;
	}
	kc->syms[kc->n].name = strdup(name);
	kc->syms[kc->n].value = v;
	if (!kc->syms[kc->n].name) {
		free(v);
		return -ENOMEM;
	}
	kc->n++;
	/* Kept at most half full. */
	if (kc->n * 2 > kc->index_size)
		return reindex(kc);
	{
		size_t h = kconfig_symbol_hash(name) & (kc->index_size - 1);

		while (kc->index[h])
			h = (h + 1) & (kc->index_size - 1);
		kc->index[h] = kc->n;
	}
	return 0;
}

int kconfig_has(const struct kconfig *kc, const char *name)
{
	return find(kc, name) != NULL;
}
