/*
 * proto.c: control frames, pure (no IO). A frame is a 4-byte big-endian
 * length, then that many bytes of one JSON object. The length is checked
 * against PROTO_MAX_FRAME before any of the body is read or allocated.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto.h"

int proto_frame_len(const unsigned char hdr[4], uint32_t *len)
{
	uint32_t n = (uint32_t)hdr[0] << 24 | (uint32_t)hdr[1] << 16 |
	    (uint32_t)hdr[2] << 8 | (uint32_t)hdr[3];

	if (n == 0 || n > PROTO_MAX_FRAME) {
		errno = EMSGSIZE;
		return -1;
	}
	*len = n;
	return 0;
}

char *proto_encode(const json_t *msg, size_t *len)
{
	char *body, *buf;
	size_t n;

	body = json_dumps(msg, JSON_COMPACT);
	if (body == NULL)
		return NULL;
	n = strlen(body);
	if (n == 0 || n > PROTO_MAX_FRAME || (buf = malloc(n + 4)) == NULL) {
		free(body);
		errno = EMSGSIZE;
		return NULL;
	}
	buf[0] = (char)(n >> 24);
	buf[1] = (char)(n >> 16);
	buf[2] = (char)(n >> 8);
	buf[3] = (char)n;
	memcpy(buf + 4, body, n);
	free(body);
	*len = n + 4;
	return buf;
}

json_t *proto_decode(const char *body, size_t len, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *v;

	v = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (v == NULL) {
		snprintf(err, errlen, "malformed frame: %s", jerr.text);
		return NULL;
	}
	if (!json_is_object(v)) {
		snprintf(err, errlen, "malformed frame: not an object");
		json_decref(v);
		return NULL;
	}
	return v;
}

void proto_reader_reset(struct proto_reader *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}

int proto_feed(struct proto_reader *r, const char *buf, size_t n, size_t *used,
    json_t **msg, char *err, size_t errlen)
{
	size_t take;

	*used = 0;
	*msg = NULL;
	if (r->hdr_got < 4) {
		take = 4 - r->hdr_got < n ? 4 - r->hdr_got : n;
		memcpy(r->hdr + r->hdr_got, buf, take);
		r->hdr_got += take;
		*used += take;
		if (r->hdr_got < 4)
			return 0;
		if (proto_frame_len(r->hdr, &r->body_len) == -1) {
			snprintf(err, errlen, "frame length out of range");
			return -1;
		}
		if ((r->body = malloc(r->body_len)) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		r->body_got = 0;
	}
	take = r->body_len - r->body_got < n - *used ? r->body_len - r->body_got : n - *used;
	memcpy(r->body + r->body_got, buf + *used, take);
	r->body_got += (uint32_t)take;
	*used += take;
	if (r->body_got < r->body_len)
		return 0;
	*msg = proto_decode(r->body, r->body_len, err, errlen);
	proto_reader_reset(r);
	return *msg ? 1 : -1;
}

int proto_feed_each(struct proto_reader *r, const char *buf, size_t n,
    int (*on_msg)(json_t *msg, void *arg), void *arg, char *err, size_t errlen)
{
	size_t off = 0, used;
	json_t *msg;
	int rc, stop;

	while (off < n) {
		rc = proto_feed(r, buf + off, n - off, &used, &msg, err, errlen);
		off += used;
		if (rc == -1)
			return -1;
		if (rc == 1) {
			stop = on_msg(msg, arg);
			json_decref(msg);
			if (stop != 0)
				return 1;
		}
	}
	return 0;
}
