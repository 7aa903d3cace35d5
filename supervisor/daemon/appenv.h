/*
 * appenv.h: an app's client environment (the environment of the `csup`
 * call that started it), as the daemon keeps it.
 *
 * One immutable block holds the vector and its strings, with a count of
 * its users: every app of one `start` (and any app given an equal
 * environment later) shares one block instead of a copy of ~40 strings
 * each. The vector reads as any NULL-terminated char ** (build_env, JSON);
 * never free() it or a string of it: appenv_unref().
 *
 * Error convention: NULL with errno (ENOMEM).
 */
#ifndef CSUP_APPENV_H
#define CSUP_APPENV_H

#include <stdbool.h>

#include <jansson.h>

/* The strings of arr that are KEY=VALUE, in order (not an array: none). */
char	**appenv_from_json(const json_t *arr);
/* A block holding a copy of env (NULL: empty). */
char	**appenv_from_strv(char *const *env);
/* One more user of env (NULL passes through). */
char	**appenv_ref(char **env);
/* One user less: freed with the last one. NULL is fine. */
void	  appenv_unref(char **env);
/* env holds exactly the strings appenv_from_json(arr) would. */
bool	  appenv_equal_json(char *const *env, const json_t *arr);

#endif
