/*
 * store.h: the daemon's database (apps, generations, events, samples).
 */
#ifndef CSUP_STORE_H
#define CSUP_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

/* store.c: the only file that speaks SQL. */
struct store;
struct store_gen {
	int		 number;
	pid_t		 pid, pgid;
	uint64_t	 start_time;
	int64_t		 started_ms;
	const char	*tag;		/* CSUP_APP of the generation (written only) */
	const char	*cgroup;	/* its cgroup, NULL or "": none (written only) */
};
struct store_sample {
	int64_t		 time_ms;
	const char	*app;
	int		 procs;
	int64_t		 rss;
	double		 cpu;
};
/*
 * Once, before any other store call: SQLite's memory settings for a small
 * resident set. -1 (EBUSY) when SQLite was already initialised.
 */
int	 store_tune_memory(void);
int	 store_open(const char *path, struct store **out);
/*
 * store_open(), but a corrupt csup.db is first moved aside (path.corrupt-TIME)
 * and the new one filled from the snapshot csup.db.json; then *note says
 * what happened (else it is ""), for the daemon to log and record.
 */
int	 store_open_or_recover(const char *path, struct store **out, char *note,
	    size_t len);
void	 store_close(struct store *s);
/*
 * Gives back the page cache's unused pages (the daemon, once a burst is
 * over): a page read again later comes from the kernel's cache.
 */
void	 store_release_memory(struct store *s);
/*
 * Can path be opened as a sound database? -1 with sqlite's reason in err;
 * *corrupt says whether SQLite found it corrupt (not merely locked).
 */
int	 store_check(const char *path, char *err, size_t len, bool *corrupt);
/* Replays the writes queued while csup.db was locked; 0 (some may remain). */
int	 store_flush(struct store *s);
bool	 store_pending(const struct store *s);
/* Rewrites csup.db.json if a change was made since it was last written. */
void	 store_snapshot_settle(struct store *s);
int	 store_put_app(struct store *s, const char *name, const json_t *cfg,
	    const json_t *env, const char *source, bool want_up, int restarts, int id);
int	 store_set_want(struct store *s, const char *name, bool want_up, int restarts);
int	 store_delete_app(struct store *s, const char *name);
/* One stored app; valid only during the callback. */
struct store_app_row {
	const char	*name;
	json_t		*cfg, *env;
	const char	*source;	/* realpath of its ecosystem file, or NULL */
	bool		 want_up;
	int		 restarts;
	int		 id;		/* -1: none stored */
};
/* Calls fn for each stored app (saved: the resurrect set instead). */
int	 store_each_app(struct store *s, bool saved,
	    int (*fn)(void *arg, const struct store_app_row *r), void *arg);
int	 store_put_generation(struct store *s, const char *app, const struct store_gen *g);
int	 store_end_generation(struct store *s, const char *app, int number,
	    int64_t ended_ms, const json_t *exit);
/* The last generation with no end, or -1 with errno ENOENT. */
int	 store_live_generation(struct store *s, const char *app, struct store_gen *g);
int	 store_add_event(struct store *s, const char *app, const char *kind,
	    const char *detail);
json_t	*store_events(struct store *s, const char *app, int limit);
int	 store_put_samples(struct store *s, const struct store_sample *v, size_t n);
json_t	*store_samples(struct store *s, const char *app, int64_t since_ms);
int	 store_prune_samples(struct store *s, int64_t before_ms);
int	 store_get_clean(struct store *s, bool *clean);
int	 store_set_clean(struct store *s, bool clean);
/* saved := the named apps (the resurrect set). */
int	 store_save_set(struct store *s, const char *const *names, size_t n);
/* saved := the apps that want to be up. */
int	 store_save_wanted(struct store *s);
int	 store_forget_apps(struct store *s);

#endif
