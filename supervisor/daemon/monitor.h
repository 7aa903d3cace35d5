/*
 * monitor.h: the daemon's side of alerts, the watchdog, metrics and the HTTP
 * API (monitor.c), for the daemon and whatever raises an alert.
 */
#ifndef CSUP_MONITOR_H
#define CSUP_MONITOR_H

struct daemon;
struct app;

void	 monitor_start(struct daemon *d);
void	 monitor_stop(struct daemon *d);
void	 monitor_after_sample(struct daemon *d);
void	 monitor_alert(struct app *a, const char *event, const char *detail);

#endif
