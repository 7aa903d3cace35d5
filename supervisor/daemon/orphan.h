/*
 * orphan.h: the orphan scan (orphan.c), for the daemon: end what carries
 * this home's tag and no live generation owns.
 */
#ifndef CSUP_ORPHAN_H
#define CSUP_ORPHAN_H

struct daemon;

/* One scan now; returns the number of processes killed. */
int	 orphan_scan(struct daemon *d);
/* Every $CSUP_ORPHAN_SCAN_MS (default 60 s) while the daemon runs. */
void	 orphan_timer_start(struct daemon *d);
void	 orphan_timer_stop(struct daemon *d);

#endif
