/*
 * monit.h: the map of csup-monit, the terminal dashboard `csup monit` runs.
 *
 * A program of its own, so that nothing of curses is linked into the csup
 * client. It asks the daemon over the control socket (the framed JSON of
 * supervisor/shared/proto.c) for the status, the samples and the log paths, sends
 * restart/stop/start as any client does, and reads the log files itself.
 *
 * Error convention: 0, or -1 with errno. Nothing prints while curses owns
 * the terminal: the caller turns errors into the status line.
 */
#ifndef CSUP_MONIT_H
#define CSUP_MONIT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

/* The sparklines cover this much time, however wide they are drawn. */
#define MONIT_WINDOW_MS		(5 * 60 * 1000)
#define MONIT_NAME_MAX		128
#define MONIT_LOG_KEEP		400	/* lines kept for the logs pane */

/* wire.c: one request, one reply, a connection each. */
struct wire_call {
	int		 fd;
	json_t		*reply;
	char		*out;		/* the encoded request, sent as the socket takes it */
	size_t		 out_len, out_off;
	void		*reader;	/* struct proto_reader */
	int64_t		 deadline_ms;	/* monotonic; 0: none */
};
/* Connects and queues req (stolen). -1 with errno when no daemon answers. */
int	 wire_start(struct wire_call *w, const char *sock, json_t *req, int64_t timeout_ms);
/* Moves w along without blocking: 1 with w->reply, 0 not yet, -1 failed (errno). */
int	 wire_step(struct wire_call *w);
/* The events poll() should wait for on w->fd. */
short	 wire_events(const struct wire_call *w);
void	 wire_close(struct wire_call *w);
/* Blocking: the reply when it says ok, else NULL (errno; *err the daemon's reason). */
json_t	*wire_query(const char *sock, json_t *req, int64_t timeout_ms, char *err, size_t len);
int64_t	 monit_mono_ms(void);
int64_t	 monit_wall_ms(void);

/* model.c: what the screen shows, merged from each status reply. */
struct point {
	int64_t	 t;
	int	 procs;
	int64_t	 mem;
	double	 cpu;
};
struct row {
	char		 name[MONIT_NAME_MAX];
	char		 state[16];
	long long	 id;		/* -1: the daemon gives none */
	int		 pid;
	int64_t		 uptime_ms;
	int		 restarts;
	int		 procs;
	double		 cpu;
	int64_t		 mem;
	int		 generation;
	struct point	*s;		/* oldest first, within MONIT_WINDOW_MS */
	size_t		 ns, cap;
};
struct model {
	struct row	*rows;
	size_t		 n;
	int64_t		 since_ms;	/* next samples request: newer than this */
	bool		 has_id;
};
/* Replaces the rows by apps (a status array), keeping the samples of those that stay. */
int	 model_set_status(struct model *m, json_t *apps);
/* Appends samples ({NAME: [{t, procs, memory_bytes, cpu_percent}]}) and drops old ones. */
void	 model_add_samples(struct model *m, json_t *by_app, int64_t now_ms);
void	 model_free(struct model *m);
int	 model_find(const struct model *m, const char *name);
size_t	 model_name_width(const struct model *m);

/* spark.c: pure. */
enum spark_field { SPARK_PROCS, SPARK_CPU, SPARK_MEM };
/*
 * Levels 0..7 of cells slices of [now - window, now], each the highest value
 * of the slice, scaled to the highest of all (at least 1 process, 5% cpu,
 * 1 MiB); -1 for a slice without samples.
 */
void	 spark_levels(const struct point *s, size_t n, enum spark_field f,
	    int64_t now_ms, int64_t window_ms, int cells, int *out);

/* layout.c: pure. Columns shrink, then drop, in a fixed order; never wrap. */
enum col {
	COL_ID, COL_NAME, COL_STATE, COL_PID, COL_UPTIME, COL_RESTARTS,
	COL_PROCS, COL_PROCS_SPARK, COL_CPU, COL_CPU_SPARK, COL_MEM, COL_MEM_SPARK,
	NCOLS
};
struct layout {
	int	 x[NCOLS];
	int	 w[NCOLS];	/* 0: dropped */
};
/* Fits the columns into width; name_want the longest name, has_id the id column. */
void	 layout_fit(struct layout *l, int width, int name_want, bool has_id);

/* logtail.c: the last lines of an app's out and err files, then what they append. */
struct logfile {
	char	 path[PATH_MAX];
	int	 fd;
	dev_t	 dev;
	ino_t	 ino;
	off_t	 off;
	char	 part[512];	/* an unfinished last line */
	size_t	 npart;
};
struct logtail {
	struct logfile	 f[2];		/* out, err */
	char		*line[MONIT_LOG_KEEP];
	bool		 err[MONIT_LOG_KEEP];
	size_t		 head, n;	/* ring */
	bool		 changed;
};
/* Follows out and err (either may be NULL), starting with their last lines. */
void	 logtail_open(struct logtail *t, const char *out, const char *err, int lines);
/* Reads what was appended; a truncated or replaced (rotated) file starts over. */
void	 logtail_poll(struct logtail *t);
/* The i-th newest line (0 = newest), NULL past the end. */
const char *logtail_line(const struct logtail *t, size_t i, bool *is_err);
void	 logtail_close(struct logtail *t);

/* draw.c: the screen from the model; curses only here and in main.c. */
struct ui {
	size_t		 sel;
	size_t		 top;		/* first row shown */
	bool		 logs_on;
	bool		 colour;
	bool		 utf8;
	bool		 connected;
	char		 home[PATH_MAX];
	char		 msg[256];	/* status line: the last action's outcome */
	int64_t		 sample_ms;
};
void	 draw_init_colours(struct ui *u);
void	 draw_screen(struct ui *u, const struct model *m, const struct logtail *t,
	    const char *log_app);

#endif
