/*
 * rank_priv.h: what rank.c (vectors, neighbours) and rankindex.c (the
 * index file and the in-memory postings) share. Private to the two.
 */
#ifndef RANK_PRIV_H
#define RANK_PRIV_H

#include <stdint.h>

#include "search.h"

#define RANK_BUCKETS	(1u << 18)
#define RANK_FORMAT	(0x5e4c0000 | 18)	/* user_version of the file */
#define RANK_MAX_TEXT	4096	/* bytes of a row vectorised */

struct posting {
	uint32_t	doc;
	float		w;
};

struct plist {
	struct posting	*v;
	uint32_t	 n, cap;
};

struct doc {
	int64_t	id;
	int64_t	epoch;
	int	kind;
};

struct rank_index {
	sqlite3		*idb;
	int		 persistent;
	int		 loaded;
	struct plist	*lists;		/* RANK_BUCKETS */
	struct doc	*docs;
	uint32_t	 ndocs, capdocs;
	int64_t		 last_id[KIND_COUNT];
};

/* The text of each kind, as SQL over the store (id, epoch, text). */

#endif
