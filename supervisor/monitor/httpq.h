/*
 * httpq.h: what csup-http asks csupd, over the socketpair csupd gives it
 * at start (fd 4; the listening socket is fd 3). Frames as on the control
 * socket (proto.h), one question at a time, each answered at once by the
 * daemon's loop:
 *
 *   {"id": N, "q": "apps"}                         the `status --json` array
 *   {"id": N, "q": "app", "name": S}               `describe S --json`
 *   {"id": N, "q": "samples", "name": S, "since": MS}
 *   {"id": N, "q": "counters"}                     metrics_counters_json()
 *   {"id": N, "q": "ready"}                        {NAME: why} of apps not ready
 *   {"id": N, "q": "ping"}                         true (/healthz)
 *
 * The answer is {"id": N, "v": VALUE}; VALUE is null for no such app (or
 * a failure), and for a question the daemon does not know. This socket is
 * no user interface: only csup-http holds its other end.
 */
#ifndef CSUP_HTTPQ_H
#define CSUP_HTTPQ_H

#define HTTPQ_LISTEN_FD		3
#define HTTPQ_DAEMON_FD		4

#define HTTPQ_APPS		"apps"
#define HTTPQ_APP		"app"
#define HTTPQ_SAMPLES		"samples"
#define HTTPQ_COUNTERS		"counters"
#define HTTPQ_READY		"ready"
#define HTTPQ_PING		"ping"

#define HTTP_PROGRAM		"csup-http"

#endif
