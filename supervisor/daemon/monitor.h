/*
 * monitor.h: the daemon's side of alerts, the watchdog, metrics and the HTTP
 * API (monitor.c), for the daemon and its sampler.
 */
#ifndef CSUP_MONITOR_H
#define CSUP_MONITOR_H

struct daemon;

void	 monitor_start(struct daemon *d);
void	 monitor_stop(struct daemon *d);
void	 monitor_after_sample(struct daemon *d);

#endif
