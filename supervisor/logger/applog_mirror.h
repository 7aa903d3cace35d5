/*
 * applog_mirror.h: in `csup run`, each logger also writes every line of its
 * app to an fd it inherited from the daemon (csup's own stdout for the
 * app's out, stderr for err), so nothing extra passes through the daemon's
 * loop and each app's lines keep their order. A line is `NAME | TEXT`
 * (the prefix coloured only when the fd is a terminal and NO_COLOR is
 * unset), or with json one object a line:
 * {"time": RFC 3339 UTC with ms, "app": NAME, "stream": "out"|"err",
 *  "message": TEXT}. Each line leaves in one write(2), so lines of
 * different apps sharing a pipe never interleave below PIPE_BUF.
 *
 * Error convention: none surfaces; a mirror whose fd fails (EPIPE, EBADF)
 * turns itself off, and the log files are written first in any case.
 */
#ifndef CSUP_APPLOG_MIRROR_H
#define CSUP_APPLOG_MIRROR_H

#include <stdbool.h>
#include <stddef.h>

#define MIRROR_LINE_MAX	65536

enum mirror_format { MIRROR_OFF, MIRROR_TEXT, MIRROR_JSON };

struct mirror {
	int		 fd;		/* -1: off */
	enum mirror_format format;
	bool		 color;
	const char	*app;
	const char	*stream;	/* "out" or "err" */
	char		 buf[MIRROR_LINE_MAX];
	size_t		 len;		/* a partial line waiting for its end */
};

/* "", "text" or "json" (the logger's MIRROR argument); -1 when unknown. */
int	 mirror_parse_format(const char *s, enum mirror_format *f);
/* fd -1 or format MIRROR_OFF: the mirror stays off. */
void	 mirror_init(struct mirror *m, enum mirror_format f, int fd, const char *app,
	    const char *stream);
/* Bytes the app wrote: every complete line leaves now. */
void	 mirror_feed(struct mirror *m, const char *p, size_t n);
/* A partial line leaves as a line (quiet for a while, or EOF). */
void	 mirror_flush(struct mirror *m);
bool	 mirror_pending(const struct mirror *m);

#endif
