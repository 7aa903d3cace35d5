/* resolve.h: the program an app runs (daemon and client). */
#ifndef CSUP_RESOLVE_H
#define CSUP_RESOLVE_H

#include <stddef.h>

#include "config.h"

/* Resolves argv[0] against cwd and PATH; -1 with a message naming the path. */
int	 spawn_resolve(const struct app_config *c, char *const *env, char *out,
	    size_t outlen, char *err, size_t errlen);

#endif
