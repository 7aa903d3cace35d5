/*
 * healthproto.h: the messages between csupd and csup-health (healthproto.c),
 * pure pack and unpack, no IO. Each is one frame of proto.h's framing on
 * the socketpair the daemon gives csup-health at spawn.
 *
 *   request  {"id": N, "url": "http://..." | "tcp": "HOST:PORT", "timeout_ms": T}
 *   reply    {"id": N, "ok": true|false, "text": "HTTP 200", "latency_ms": L}
 *
 * N is the daemon's, unique among its requests, echoed in the reply;
 * replies come in any order (each check runs on its own). Unpacked strings
 * point into the JSON object: valid while it lives.
 *
 * Error convention: *_unpack() returns -1 with a one-line reason in err.
 */
#ifndef CSUP_HEALTHPROTO_H
#define CSUP_HEALTHPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct hproto_req {
	uint64_t	 id;
	const char	*url;		/* one of url and tcp */
	const char	*tcp;
	int64_t		 timeout_ms;	/* > 0 */
};

struct hproto_reply {
	uint64_t	 id;
	bool		 ok;
	const char	*text;
	int64_t		 latency_ms;
};

json_t	*hproto_req_pack(const struct hproto_req *q);
int	 hproto_req_unpack(json_t *o, struct hproto_req *q, char *err, size_t len);
json_t	*hproto_reply_pack(const struct hproto_reply *r);
int	 hproto_reply_unpack(json_t *o, struct hproto_reply *r, char *err, size_t len);

#endif
