/*
 * childsig.h: what every child the daemon forks does before exec (an app,
 * a logger, a sidecar): every signal back to its default, none blocked.
 */
#ifndef CSUP_CHILDSIG_H
#define CSUP_CHILDSIG_H

/* In a freshly forked child only. */
void	 child_reset_signals(void);

#endif
