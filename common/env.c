/* env.c: NULL-terminated string vectors (environments, name lists). */
#include <stdlib.h>

#include "env.h"

void csup_env_free(char **env)
{
	for (size_t i = 0; env && env[i]; i++)
		free(env[i]);
	free(env);
}
