/* env.h: NULL-terminated string vectors (environments, name lists). */
#ifndef CSUP_ENV_H
#define CSUP_ENV_H

/* A deep copy of env (NULL: an empty vector), or NULL when out of memory. */
char   **csup_env_dup(char *const *env);
/* Frees each string, then the vector; NULL is fine. */
void	 csup_env_free(char **env);

#endif
