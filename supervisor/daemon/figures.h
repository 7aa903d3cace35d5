/*
 * figures.h: per-app figures every sample period (figures.c), for the daemon
 * and its settle step.
 */
#ifndef CSUP_FIGURES_H
#define CSUP_FIGURES_H

struct daemon;

/* figures.c: per-app figures through sample.c, every sample period. */
void	 figures_refresh(struct daemon *d);
void	 figures_timer_update(struct daemon *d);
/*
 * A generation started since the last tick gets its first figures now,
 * from the settle step, so that `status` (which only reads) never shows
 * a running app with none.
 */
void	 figures_new_generations(struct daemon *d);

#endif
