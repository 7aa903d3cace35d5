/*
 * readyz.h: the /readyz report (readyz.c), for the HTTP API.
 */
#ifndef CSUP_READYZ_H
#define CSUP_READYZ_H

#include <jansson.h>

struct daemon;

/* readyz.c: GET /readyz: {} when every app that should run is ready, else NAME: why. */
json_t	*readyz_report(struct daemon *d);

#endif
