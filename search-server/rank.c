/*
 * rank.c: in-process vector similarity for typo- and inflection-tolerant
 * search, and its fusion with FTS5 bm25.
 *
 * A row's text is cut into words, each word padded with spaces and cut
 * into character trigrams (" pr", "pro", ..., "ss "); each trigram hashes
 * into one of RANK_BUCKETS dimensions. The weight of a dimension is
 * 1 + ln(tf), and the vector is L2-normalised. A query's vector is weighted
 * by idf on top, so rare trigrams count more. Two similarities come out
 * of one pass over the postings: the cosine of the two vectors, and the
 * coverage of the query (the idf-weighted share of its trigrams the row
 * has), which does not shrink with the row's length the way the cosine
 * does. A row must cover enough of the query to be a neighbour at all;
 * neighbours are ordered by coverage, then cosine. "procesess leek"
 * shares " pr", "pro", "roc", "oce", "ces", "ess", "ss ", " le" with
 * "process leak", more than with anything unrelated.
 *
 * The vectors live in rankindex.c: an inverted index (bucket -> postings)
 * so a query touches only the rows sharing a trigram with it. Rows the
 * worker deleted keep their vector until the store is replaced; they
 * vanish at hydration, which reads the store.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rank_priv.h"

#define RANK_MAX_WORD	40
/* A neighbour covers this much of the query, and this share of the best. */
#define RANK_MIN_COVER	0.50
#define RANK_REL_COVER	0.60
#define RANK_COS_WEIGHT	0.25	/* cosine's part of the order */

/* ---- vectors ----------------------------------------------------------- */

static uint32_t gram_hash(const unsigned char *g)
{
	uint32_t h = 2166136261u;
	int i;

	for (i = 0; i < 3; i++) {
		h ^= g[i];
		h *= 16777619u;
	}
	return h & (RANK_BUCKETS - 1);
}

static int is_word_byte(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* All trigram buckets of text, unsorted, with repeats. */
static int text_grams(const char *text, uint32_t **out, size_t *n)
{
	unsigned char w[RANK_MAX_WORD + 2];
	const unsigned char *s = (const unsigned char *)text;
	size_t len = strnlen(text, RANK_MAX_TEXT), i = 0, wl, k, cap, cnt = 0;
	uint32_t *g;

	cap = len + 8;
	if ((g = malloc(cap * sizeof(*g))) == NULL)
		return -1;
	while (i < len) {
		while (i < len && !is_word_byte(s[i]))
			i++;
		w[0] = ' ';
		for (wl = 0; i < len && is_word_byte(s[i]); i++)
			if (wl < RANK_MAX_WORD)
				w[1 + wl++] = (unsigned char)tolower(s[i]);
		if (wl == 0)
			break;
		w[wl + 1] = ' ';
		/* padded length wl + 2 gives wl trigrams; cap >= len + 8 */
		for (k = 0; k + 3 <= wl + 2; k++)
			g[cnt++] = gram_hash(w + k);
	}
	*out = g;
	*n = cnt;
	return 0;
}

int rank_vector(const char *text, uint32_t **buckets, float **weights,
    size_t *n)
{
	uint32_t *g, *b = NULL;
	float *w = NULL;
	size_t ng, i, j, m = 0;
	double norm = 0;

	*buckets = NULL;
	*weights = NULL;
	*n = 0;
	if (text_grams(text, &g, &ng) < 0)
		return -1;
	qsort(g, ng, sizeof(*g), cmp_u32);
	if (ng && ((b = malloc(ng * sizeof(*b))) == NULL ||
	    (w = malloc(ng * sizeof(*w))) == NULL)) {
		free(b);
		free(g);
		return -1;
	}
	for (i = 0; i < ng; i = j) {
		for (j = i; j < ng && g[j] == g[i]; j++)
			;
		b[m] = g[i];
		w[m] = 1.0f + logf((float)(j - i));
		norm += (double)w[m] * w[m];
		m++;
	}
	free(g);
	for (i = 0; i < m; i++)
		w[i] = (float)(w[i] / sqrt(norm));
	*buckets = b;
	*weights = w;
	*n = m;
	return 0;
}

/* ---- queries ------------------------------------------------------------ */

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Idf-weighted, normalised query vector in (b, w, n). */
static int query_vector(struct rank_index *ix, const char *q, uint32_t **b,
    float **w, size_t *n)
{
	double norm = 0;
	size_t i;

	if (rank_vector(q, b, w, n) < 0)
		return -1;
	for (i = 0; i < *n; i++) {
		double df = ix->lists[(*b)[i]].n;

		/*
		 * A trigram no row has (a typo's own) cannot tell rows apart:
		 * weight 0, or it would drag every coverage down alike.
		 */
		(*w)[i] *= df == 0 ? 0.0f :
		    (float)log(1.0 + (double)ix->ndocs / df);
		norm += (double)(*w)[i] * (*w)[i];
	}
	for (i = 0; i < *n && norm > 0; i++)
		(*w)[i] = (float)((*w)[i] / sqrt(norm));
	return 0;
}

static int collect(struct rank_index *ix, int kind, const float *cov,
    const float *cos, size_t max, struct ranked **out, size_t *n)
{
	struct ranked *r = NULL, *t;
	float best = 0, floor_;
	uint32_t d;
	size_t m = 0, cap = 0;

	for (d = 0; d < ix->ndocs; d++)
		if (ix->docs[d].kind == kind && cov[d] > best)
			best = cov[d];
	floor_ = (float)fmax(RANK_MIN_COVER, RANK_REL_COVER * best);
	for (d = 0; d < ix->ndocs && best > 0; d++) {
		if (ix->docs[d].kind != kind || cov[d] < floor_)
			continue;
		if (m == cap) {
			cap = cap ? cap * 2 : 64;
			if ((t = realloc(r, cap * sizeof(*r))) == NULL) {
				free(r);
				return -1;
			}
			r = t;
		}
		r[m].id = ix->docs[d].id;
		r[m].epoch = ix->docs[d].epoch;
		r[m].score = cov[d] + RANK_COS_WEIGHT * cos[d];
		m++;
	}
	if (m)
		qsort(r, m, sizeof(*r), cmp_ranked);
	*out = r;
	*n = m < max ? m : max;
	return 0;
}

int rank_nearest(struct rank_index *ix, int kind, const char *q, size_t max,
    struct ranked **out, size_t *n)
{
	uint32_t *b = NULL;
	float *w = NULL, *cos = NULL, *cov = NULL;
	size_t nq, i, p;
	int ret = -1;

	*out = NULL;
	*n = 0;
	if (ix->ndocs == 0)
		return 0;
	if (query_vector(ix, q, &b, &w, &nq) < 0)
		return -1;
	if ((cos = calloc(ix->ndocs, sizeof(*cos))) == NULL ||
	    (cov = calloc(ix->ndocs, sizeof(*cov))) == NULL)
		goto out;
	for (i = 0; i < nq; i++) {
		const struct plist *l = &ix->lists[b[i]];
		float w2 = w[i] * w[i];

		for (p = 0; p < l->n; p++) {
			cos[l->v[p].doc] += w[i] * l->v[p].w;
			cov[l->v[p].doc] += w2;
		}
	}
	ret = collect(ix, kind, cov, cos, max, out, n);
out:
	free(cos);
	free(cov);
	free(b);
	free(w);
	return ret;
}

static int cmp_id(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

int rank_fuse(const struct ranked *a, size_t na, const struct ranked *b,
    size_t nb, struct ranked **out, size_t *n)
{
	struct ranked *all;
	size_t i, m = 0;

	*out = NULL;
	*n = 0;
	if (na + nb == 0)
		return 0;
	if ((all = malloc((na + nb) * sizeof(*all))) == NULL)
		return -1;
	for (i = 0; i < na; i++) {
		all[i] = a[i];
		all[i].score = 1.0 / (RANK_RRF_K + (double)(i + 1));
	}
	for (i = 0; i < nb; i++) {
		all[na + i] = b[i];
		all[na + i].score = 1.0 / (RANK_RRF_K + (double)(i + 1));
	}
	qsort(all, na + nb, sizeof(*all), cmp_id);
	for (i = 0; i < na + nb; i++) {
		if (m > 0 && all[m - 1].id == all[i].id) {
			all[m - 1].score += all[i].score;
			continue;
		}
		all[m++] = all[i];
	}
	qsort(all, m, sizeof(*all), cmp_ranked);
	*out = all;
	*n = m;
	return 0;
}

char *rank_fts_expr(const char *q)
{
	struct sbuf sb;
	const unsigned char *s = (const unsigned char *)q;
	size_t i = 0, st, words = 0;

	sbuf_init(&sb);
	while (s[i] && words < 32) {
		while (s[i] && !is_word_byte(s[i]))
			i++;
		for (st = i; s[i] && is_word_byte(s[i]); i++)
			;
		if (i == st)
			break;
		sbuf_printf(&sb, "%s\"%.*s\"", words ? " OR " : "",
		    (int)(i - st), q + st);
		words++;
	}
	if (words == 0) {
		sbuf_free(&sb);
		return NULL;
	}
	return sbuf_take(&sb);
}
