/*
 * watch.c: inotify watches for one app, with ignore globs and a debounce
 * timer (watch.h). One inotify fd per app: its watches are dropped at once
 * with close(), and one app's flood never delays another's reads.
 */
#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ev.h>

#define WATCH_MASK (IN_MODIFY | IN_ATTRIB | IN_CREATE | IN_DELETE | \
	IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | \
	IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK)
#define READS_PER_WAKEUP 8	/* then yield to the loop; level-triggered, we come back */
#define FILE_ROOT (-1)		/* a wd watching the folder of root files */

const char *const watch_default_ignore[] = {
	"node_modules", ".git", ".*", "*.log", NULL
};

struct wd_entry {
	int	 wd;
	int	 root;		/* index in roots, or FILE_ROOT */
	char	*path;		/* absolute */
};

struct watch_root {
	char	*path;		/* canonical; the file itself for a file root */
	bool	 is_file;
};

struct watch {
	struct ev_loop		*loop;
	ev_io			 io;
	ev_timer		 debounce;
	ev_timer		 warn;		/* calls on_warning from its own callback */
	int			 fd;
	struct watch_root	*roots;
	size_t			 nroots;
	char		       **ignore;	/* defaults, then the caller's */
	char		       **never;
	struct wd_entry		*wds;		/* sorted by wd */
	size_t			 nwds, capwds;
	size_t			 max_watches;
	double			 delay;
	bool			 suspended;
	bool			 dirty;		/* a change in this batch */
	bool			 limited;
	uint64_t		 events;
	char			 status[512];
	void			(*on_change)(void *);
	void			(*on_warning)(const char *, void *);
	void			*arg;
};

/* The wd table. */

static struct wd_entry *wd_find(const struct watch *w, int wd, size_t *pos)
{
	size_t lo = 0, hi = w->nwds, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (w->wds[mid].wd == wd) {
			*pos = mid;
			return &w->wds[mid];
		}
		if (w->wds[mid].wd < wd)
			lo = mid + 1;
		else
			hi = mid;
	}
	*pos = lo;
	return NULL;
}

static int wd_put(struct watch *w, int wd, int root, const char *path)
{
	struct wd_entry *e, *nw;
	size_t pos, cap;
	char *copy;

	if ((copy = strdup(path)) == NULL)
		return -1;
	if ((e = wd_find(w, wd, &pos)) != NULL) {
		/* Same inode again (a rename, or a root inside another). */
		if (e->root == FILE_ROOT || strcmp(e->path, path) != 0) {
			free(e->path);
			e->path = copy;
			if (root != FILE_ROOT)
				e->root = root;
		} else
			free(copy);
		return 0;
	}
	if (w->nwds == w->capwds) {
		cap = w->capwds ? w->capwds * 2 : 16;
		if ((nw = reallocarray(w->wds, cap, sizeof(*nw))) == NULL) {
			free(copy);
			return -1;
		}
		w->wds = nw;
		w->capwds = cap;
	}
	memmove(&w->wds[pos + 1], &w->wds[pos], (w->nwds - pos) * sizeof(*w->wds));
	w->wds[pos] = (struct wd_entry){ .wd = wd, .root = root, .path = copy };
	w->nwds++;
	return 0;
}

static void wd_remove_at(struct watch *w, size_t pos)
{
	free(w->wds[pos].path);
	memmove(&w->wds[pos], &w->wds[pos + 1], (w->nwds - pos - 1) * sizeof(*w->wds));
	w->nwds--;
}

/* Watching. */

static void set_limited(struct watch *w, const char *path)
{
	if (w->limited)
		return;
	w->limited = true;
	snprintf(w->status, sizeof(w->status),
	    "inotify watch limit reached at %zu watches (%s not watched): "
	    "raise fs.inotify.max_user_watches", w->nwds, path);
	if (w->on_warning != NULL)
		ev_timer_start(w->loop, &w->warn);
}

/* 0, 1 when the limit is reached, -1 when this directory cannot be watched. */
static int add_dir(struct watch *w, int root, const char *path)
{
	int wd;

	if (w->max_watches > 0 && w->nwds >= w->max_watches) {
		set_limited(w, path);
		return 1;
	}
	if ((wd = inotify_add_watch(w->fd, path, WATCH_MASK)) == -1) {
		if (errno == ENOSPC) {
			set_limited(w, path);
			return 1;
		}
		return -1;	/* vanished, not a dir, no access: nothing to watch */
	}
	return wd_put(w, wd, root, path);
}

static char *path_join(const char *dir, const char *name)
{
	char *s;
	bool slash = dir[0] != '\0' && dir[strlen(dir) - 1] == '/';

	if (asprintf(&s, "%s%s%s", dir, slash ? "" : "/", name) == -1)
		return NULL;
	return s;
}

static const char *rel_of(const struct watch *w, int root, const char *path)
{
	const char *rel = path + strlen(w->roots[root].path);

	while (*rel == '/')
		rel++;
	return rel;
}

static bool is_dir_entry(const char *path, const struct dirent *d)
{
	struct stat st;

	if (d->d_type == DT_DIR)
		return true;
	if (d->d_type != DT_UNKNOWN)
		return false;
	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Watch path and every directory below it that is not ignored. */
static int add_tree(struct watch *w, int root, const char *path)
{
	struct dirent *d;
	DIR *dir;
	char *child;
	int r;

	if ((r = add_dir(w, root, path)) != 0)
		return r == 1 ? 1 : 0;
	if ((dir = opendir(path)) == NULL)
		return 0;
	r = 0;
	while (r == 0 && (d = readdir(dir)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		if ((child = path_join(path, d->d_name)) == NULL) {
			r = -1;
			break;
		}
		if (is_dir_entry(child, d) &&
		    !watch_ignored(rel_of(w, root, child), child,
		    (const char *const *)w->ignore))
			r = add_tree(w, root, child);
		free(child);
	}
	closedir(dir);
	return r;
}

/* A directory left the tree (renamed away): its watches would keep stale paths. */
static void drop_tree(struct watch *w, const char *path)
{
	size_t i = 0, len = strlen(path);

	while (i < w->nwds) {
		const char *p = w->wds[i].path;

		if (strncmp(p, path, len) == 0 && (p[len] == '\0' || p[len] == '/')) {
			inotify_rm_watch(w->fd, w->wds[i].wd);
			wd_remove_at(w, i);
		} else
			i++;
	}
}

/* Events. */

static void changed(struct watch *w)
{
	w->events++;
	w->dirty = true;
}

/*
 * Once a batch of events is handled: (re)start the quiet period from now,
 * not from the loop's cached time, so a batch that took longer than the
 * delay to handle does not let the timer fire in the middle of a burst.
 */
static void debounce(struct watch *w)
{
	if (!w->dirty)
		return;
	w->dirty = false;
	if (w->suspended)
		return;
	ev_now_update(w->loop);
	ev_timer_stop(w->loop, &w->debounce);
	ev_timer_set(&w->debounce, w->delay, 0.);
	ev_timer_start(w->loop, &w->debounce);
}

static bool file_root_match(const struct watch *w, const char *path)
{
	size_t i;

	for (i = 0; i < w->nroots; i++)
		if (w->roots[i].is_file && strcmp(w->roots[i].path, path) == 0)
			return true;
	return false;
}

static void handle_named(struct watch *w, const struct wd_entry *e,
    const struct inotify_event *ev)
{
	char *path;
	int root = e->root;

	if ((path = path_join(e->path, ev->name)) == NULL)
		return;
	if (watch_path_listed(path, (const char *const *)w->never))
		goto out;
	if (root == FILE_ROOT) {
		if (file_root_match(w, path))
			changed(w);
		goto out;
	}
	if (watch_ignored(rel_of(w, root, path), path, (const char *const *)w->ignore))
		goto out;
	if (ev->mask & IN_ISDIR) {
		if (ev->mask & IN_MOVED_FROM)
			drop_tree(w, path);
		if (ev->mask & (IN_CREATE | IN_MOVED_TO))
			(void)add_tree(w, root, path);
	}
	changed(w);
out:
	free(path);
}

/* Adding a watch twice is harmless: the kernel returns the same wd. */
static void rescan(struct watch *w)
{
	size_t i;

	for (i = 0; i < w->nroots; i++)
		if (!w->roots[i].is_file)
			(void)add_tree(w, (int)i, w->roots[i].path);
}

static void handle_event(struct watch *w, const struct inotify_event *ev)
{
	struct wd_entry *e;
	size_t pos;

	if (ev->mask & IN_Q_OVERFLOW) {
		rescan(w);	/* directories created meanwhile were missed */
		changed(w);
		return;
	}
	if ((e = wd_find(w, ev->wd, &pos)) == NULL)
		return;
	if (ev->mask & IN_IGNORED) {
		wd_remove_at(w, pos);
		return;
	}
	if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF))
		return;		/* the parent reports it by name */
	if (ev->len > 0)
		handle_named(w, e, ev);
	else if (e->root != FILE_ROOT)
		changed(w);	/* e.g. `touch` on a watched directory */
}

static void io_cb(struct ev_loop *loop, ev_io *io, int revents)
{
	struct watch *w = io->data;
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	ssize_t n;
	char *p;
	int i;

	for (i = 0; i < READS_PER_WAKEUP; i++) {
		if ((n = read(w->fd, buf, sizeof(buf))) == -1) {
			if (errno == EINTR)
				continue;
			break;		/* EAGAIN: drained */
		}
		for (p = buf; p < buf + n; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)p;
			handle_event(w, ev);
		}
	}
	debounce(w);
}

static void debounce_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct watch *w = t->data;

	w->on_change(w->arg);	/* last: it may free w */
}

static void warn_cb(struct ev_loop *loop, ev_timer *t, int revents)
{
	struct watch *w = t->data;

	w->on_warning(w->status, w->arg);	/* last: it may free w */
}

/* Set-up. */

static char **strv_cat(const char *const *a, const char *const *b)
{
	size_t n = 0, i = 0;
	const char *const *p;
	char **v;

	for (p = a; p != NULL && *p != NULL; p++)
		n++;
	for (p = b; p != NULL && *p != NULL; p++)
		n++;
	if ((v = calloc(n + 1, sizeof(*v))) == NULL)
		return NULL;
	for (p = a; p != NULL && *p != NULL; p++)
		if ((v[i++] = strdup(*p)) == NULL)
			goto fail;
	for (p = b; p != NULL && *p != NULL; p++)
		if ((v[i++] = strdup(*p)) == NULL)
			goto fail;
	return v;
fail:
	while (i > 0)
		free(v[--i]);
	free(v);
	return NULL;
}

static void strv_free(char **v)
{
	char **p;

	for (p = v; p != NULL && *p != NULL; p++)
		free(*p);
	free(v);
}

/* realpath(3) of a file that may not exist yet: that of its folder, then its name. */
static char *canonical(const char *path)
{
	char *dir, *res, *slash, *s;

	if ((res = realpath(path, NULL)) != NULL)
		return res;
	if ((slash = strrchr(path, '/')) == NULL || slash == path)
		return strdup(path);
	if ((dir = strndup(path, (size_t)(slash - path))) == NULL)
		return NULL;
	res = realpath(dir, NULL);
	free(dir);
	if (res == NULL)
		return strdup(path);
	s = path_join(res, slash + 1);
	free(res);
	return s;
}

static int canonical_never(struct watch *w)
{
	char **n, *c;

	for (n = w->never; *n != NULL; n++) {
		if ((c = canonical(*n)) == NULL)
			return -1;
		free(*n);
		*n = c;
	}
	return 0;
}

static void note_missing(struct watch *w, const char *path)
{
	if (w->status[0] == '\0')
		snprintf(w->status, sizeof(w->status), "%s: %s (not watched)",
		    path, strerror(errno));
}

static int add_root(struct watch *w, const char *given)
{
	struct watch_root *r = &w->roots[w->nroots];
	struct stat st;
	char *dir;
	int rc;

	if ((r->path = realpath(given, NULL)) == NULL || stat(r->path, &st) == -1) {
		note_missing(w, given);
		free(r->path);
		r->path = NULL;
		return 0;
	}
	w->nroots++;
	if (S_ISDIR(st.st_mode))
		return add_tree(w, (int)(w->nroots - 1), r->path) == -1 ? -1 : 0;
	/* A file: watch its folder, so an editor's rename-over is seen too. */
	r->is_file = true;
	if ((dir = strdup(r->path)) == NULL)
		return -1;
	*strrchr(dir, '/') = '\0';
	rc = add_dir(w, FILE_ROOT, dir[0] != '\0' ? dir : "/");
	free(dir);
	if (rc == -1 && errno != ENOMEM)
		note_missing(w, r->path);
	return rc == -1 && errno == ENOMEM ? -1 : 0;
}

static struct watch *watch_alloc(struct ev_loop *loop, const struct watch_params *p)
{
	struct watch *w;
	size_t n = 0;

	for (const char *const *r = p->roots; r != NULL && *r != NULL; r++)
		n++;
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	w->fd = -1;
	w->loop = loop;
	w->delay = p->delay_ms > 0 ? (double)p->delay_ms / 1000. : 0.;
	w->max_watches = p->max_watches;
	w->on_change = p->on_change;
	w->on_warning = p->on_warning;
	w->arg = p->arg;
	ev_io_init(&w->io, io_cb, -1, EV_READ);
	ev_timer_init(&w->debounce, debounce_cb, w->delay, 0.);
	ev_timer_init(&w->warn, warn_cb, 0., 0.);
	w->io.data = w->debounce.data = w->warn.data = w;
	w->roots = calloc(n + 1, sizeof(*w->roots));
	w->ignore = strv_cat(watch_default_ignore, p->ignore);
	w->never = strv_cat(p->never, NULL);
	if (w->roots == NULL || w->ignore == NULL || w->never == NULL) {
		watch_free(w);
		return NULL;
	}
	return w;
}

struct watch *watch_new(struct ev_loop *loop, const struct watch_params *p)
{
	struct watch *w;
	int saved;

	if (p->on_change == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if ((w = watch_alloc(loop, p)) == NULL)
		return NULL;
	if (canonical_never(w) == -1)
		goto fail;
	if ((w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1)
		goto fail;
	for (const char *const *r = p->roots; r != NULL && *r != NULL; r++)
		if (add_root(w, *r) == -1)
			goto fail;
	ev_io_set(&w->io, w->fd, EV_READ);
	ev_io_start(loop, &w->io);
	return w;
fail:
	saved = errno;
	watch_free(w);
	errno = saved;
	return NULL;
}

void watch_suspend(struct watch *w)
{
	w->suspended = true;
	ev_timer_stop(w->loop, &w->debounce);
}

void watch_resume(struct watch *w)
{
	w->suspended = false;
}

void watch_free(struct watch *w)
{
	size_t i;

	if (w == NULL)
		return;
	ev_io_stop(w->loop, &w->io);
	ev_timer_stop(w->loop, &w->debounce);
	ev_timer_stop(w->loop, &w->warn);
	if (w->fd != -1)
		close(w->fd);	/* drops every watch */
	for (i = 0; i < w->nwds; i++)
		free(w->wds[i].path);
	free(w->wds);
	for (i = 0; w->roots != NULL && i < w->nroots; i++)
		free(w->roots[i].path);
	free(w->roots);
	strv_free(w->ignore);
	strv_free(w->never);
	free(w);
}

const char *watch_status(const struct watch *w)
{
	return w->status[0] != '\0' ? w->status : NULL;
}

size_t watch_count(const struct watch *w)
{
	return w->nwds;
}

uint64_t watch_events(const struct watch *w)
{
	return w->events;
}
