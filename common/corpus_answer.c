/*
 * corpus_answer.c: the answer to a corpus question when no agent is
 * configured. Deterministic: the question's words (three letters or more,
 * common words left out) are looked up in each observation's title (3
 * points a word), subtitle (2), narrative and facts (1 each); the best five
 * are cited by id, best first (ties: older first).
 */
#include "corpus.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TERMS_MAX   32
#define TERM_LEN    48
#define CITE_MAX    5
#define EXCERPT     240

static const char *const stop[] = { "the", "and", "for", "what", "how", "why",
    "was", "were", "did", "does", "with", "that", "this", "from", "are",
    "which", "when", "where", "who", "has", "have", "had", "about", "into",
    "can", "you", "our", "any", "all", "not", "but", "its", "there", "their",
    "they", "been", "tell", "there", "some", "would", "should", "could" };

static int is_stop(const char *w)
{
	size_t i;

	for (i = 0; i < sizeof(stop) / sizeof(stop[0]); i++)
		if (strcmp(w, stop[i]) == 0)
			return 1;
	return 0;
}

/* Lowercase words of q (3+ bytes, not common, each once). */
static int terms_of(const char *q, char t[TERMS_MAX][TERM_LEN])
{
	char w[TERM_LEN];
	int n = 0, i, dup;
	size_t len;

	while (*q != '\0' && n < TERMS_MAX) {
		while (*q != '\0' && !isalnum((unsigned char)*q) &&
		    !((unsigned char)*q & 0x80))
			q++;
		len = 0;
		while (*q != '\0' && (isalnum((unsigned char)*q) ||
		    ((unsigned char)*q & 0x80) || *q == '_')) {
			if (len < sizeof(w) - 1)
				w[len++] = (char)tolower((unsigned char)*q);
			q++;
		}
		w[len] = '\0';
		if (len < 3 || is_stop(w))
			continue;
		for (dup = 0, i = 0; i < n; i++)
			if (strcmp(t[i], w) == 0)
				dup = 1;
		if (!dup)
			memcpy(t[n++], w, len + 1);
	}
	return n;
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static int score(json_t *o, char t[TERMS_MAX][TERM_LEN], int n)
{
	json_t *facts = json_object_get(o, "facts"), *f;
	int i, s = 0;
	size_t k;

	for (i = 0; i < n; i++) {
		if (strcasestr(str(o, "title"), t[i]))
			s += 3;
		if (strcasestr(str(o, "subtitle"), t[i]))
			s += 2;
		if (strcasestr(str(o, "narrative"), t[i]))
			s += 1;
		json_array_foreach(facts, k, f)
			if (json_is_string(f) &&
			    strcasestr(json_string_value(f), t[i])) {
				s += 1;
				break;
			}
	}
	return s;
}

struct hit {
	json_t *o;
	int score;
	size_t order;
};

static int by_score(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->score != y->score)
		return y->score - x->score;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* One line of at most EXCERPT bytes, cut at a UTF-8 boundary. */
static void excerpt(char *out, size_t len, const char *s)
{
	size_t n = 0;

	while (s[n] != '\0' && s[n] != '\n' && n < EXCERPT && n + 4 < len)
		n++;
	while (n > 0 && s[n] != '\0' && s[n] != '\n' &&
	    ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	memcpy(out, s, n);
	out[n] = '\0';
	if (s[n] != '\0' && s[n] != '\n')
		strcat(out, "...");
}

char *corpus_retrieval_answer(json_t *c, const char *question)
{
	char t[TERMS_MAX][TERM_LEN], ex[EXCERPT + 8], *out = NULL;
	json_t *obs = json_object_get(c, "observations"), *o;
	size_t i, nh = 0, sz = 0;
	struct hit *h;
	int n, s, shown;
	FILE *f;

	n = terms_of(question, t);
	h = calloc(json_array_size(obs) + 1, sizeof(*h));
	if (h == NULL || (f = open_memstream(&out, &sz)) == NULL) {
		free(h);
		return NULL;
	}
	json_array_foreach(obs, i, o)
		if ((s = score(o, t, n)) > 0) {
			h[nh].o = o;
			h[nh].score = s;
			h[nh].order = i;
			nh++;
		}
	qsort(h, nh, sizeof(*h), by_score);
	fprintf(f, "Built-in retrieval answer (no agent configured): the "
	    "observations of corpus \"%s\" that best match the question.\n\n",
	    str(c, "name"));
	if (nh == 0)
		fprintf(f, "No observation of the %zu in this corpus matches the "
		    "question's terms.\n", json_array_size(obs));
	for (i = 0, shown = 0; i < nh && shown < CITE_MAX; i++, shown++) {
		o = h[i].o;
		fprintf(f, "- #%lld [%s] %s", (long long)json_integer_value(
		    json_object_get(o, "id")), str(o, "type"), str(o, "title"));
		if (*str(o, "subtitle"))
			fprintf(f, " (%s)", str(o, "subtitle"));
		fputc('\n', f);
		excerpt(ex, sizeof(ex), *str(o, "narrative") ? str(o, "narrative") :
		    json_string_value(json_array_get(json_object_get(o, "facts"),
		    0)) ? json_string_value(json_array_get(json_object_get(o,
		    "facts"), 0)) : "");
		if (*ex)
			fprintf(f, "  %s\n", ex);
	}
	if (nh > 0) {
		fprintf(f, "\nCited:");
		for (i = 0; i < nh && i < CITE_MAX; i++)
			fprintf(f, "%s #%lld", i ? "," : "",
			    (long long)json_integer_value(json_object_get(h[i].o,
			    "id")));
		fputc('\n', f);
	}
	free(h);
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}
