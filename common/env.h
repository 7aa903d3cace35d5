/* env.h: NULL-terminated string vectors (environments, name lists). */
#ifndef CSUP_ENV_H
#define CSUP_ENV_H

/* Frees each string, then the vector; NULL is fine. */
void	 csup_env_free(char **env);

#endif
