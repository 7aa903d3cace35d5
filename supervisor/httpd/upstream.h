/*
 * upstream.h: csup-http's questions to csupd (httpq.h), one at a time,
 * each awaited at most UPSTREAM_WAIT_MS: a daemon that does not answer
 * in time counts as not answering (/healthz: 503), and its late answer is
 * recognised by its id and dropped.
 */
#ifndef CSUP_UPSTREAM_H
#define CSUP_UPSTREAM_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "proto.h"

#define UPSTREAM_WAIT_MS	3000

struct upstream {
	int			 fd;		/* the socketpair's end, non-blocking */
	int			 wait_ms;	/* UPSTREAM_WAIT_MS */
	json_int_t		 next_id;
	struct proto_reader	 rd;
	bool			 closed;	/* the daemon closed its end: exit */
};

void	 upstream_init(struct upstream *u, int fd);
/*
 * Asks q (with name and since when not NULL / negative); the answer's
 * value (a new reference), or NULL: the daemon said null, or did not
 * answer (then *answered is false; answered may be NULL).
 */
json_t	*upstream_ask(struct upstream *u, const char *q, const char *name, int64_t since,
	    bool *answered);
/* Reads what waits on fd without a question (a late answer: dropped); sets closed on EOF. */
void	 upstream_drain(struct upstream *u);
void	 upstream_free(struct upstream *u);

#endif
