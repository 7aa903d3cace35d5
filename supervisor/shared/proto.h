/*
 * proto.h: the framing of the control socket (client and daemon).
 */
#ifndef CSUP_PROTO_H
#define CSUP_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* proto.c: frames are a 4-byte big-endian length, then a JSON object. */
#define PROTO_MAX_FRAME	(8u << 20)
struct proto_reader {
	unsigned char	 hdr[4];
	size_t		 hdr_got;
	char		*body;
	uint32_t	 body_len;
	uint32_t	 body_got;
};
/* 0 and *len, or -1 (EMSGSIZE) when the length is 0 or over the maximum. */
int	 proto_frame_len(const unsigned char hdr[4], uint32_t *len);
/* Heap buffer (header + body) of msg; NULL on error. */
char	*proto_encode(const json_t *msg, size_t *len);
/* An object, or NULL with a message in err. */
json_t	*proto_decode(const char *body, size_t len, char *err, size_t errlen);
/*
 * Feed bytes; *used says how many were consumed. Returns 1 with *msg when a
 * frame is complete, 0 when more is needed, -1 on an oversized or
 * malformed frame (err says why).
 */
int	 proto_feed(struct proto_reader *r, const char *buf, size_t n, size_t *used,
	    json_t **msg, char *err, size_t errlen);
/*
 * Feed all n bytes of one read, calling on_msg(msg, arg) for each frame
 * completed in them; msg is lent for the call (freed after it). A nonzero
 * on_msg stops the loop, the rest of buf unfed: the caller may have torn
 * down r's owner, so r is not touched again. Returns 0 when every byte was
 * fed, 1 when on_msg stopped it, -1 on an oversized or malformed frame (err
 * says why; the stream is out of step, bytes after the bad frame unfed).
 */
int	 proto_feed_each(struct proto_reader *r, const char *buf, size_t n,
	    int (*on_msg)(json_t *msg, void *arg), void *arg, char *err, size_t errlen);
void	 proto_reader_reset(struct proto_reader *r);

#endif
