/*
 * healthproto.c: csupd <-> csup-health messages (healthproto.h), pure.
 */
#include "healthproto.h"

#include <stdio.h>
#include <string.h>

json_t *hproto_req_pack(const struct hproto_req *q)
{
	return json_pack("{s:I,s:s*,s:s*,s:I}", "id", (json_int_t)q->id, "url", q->url,
	    "tcp", q->tcp, "timeout_ms", (json_int_t)q->timeout_ms);
}

int hproto_req_unpack(json_t *o, struct hproto_req *q, char *err, size_t len)
{
	json_error_t jerr;
	json_int_t id = -1, timeout = 0;

	memset(q, 0, sizeof(*q));
	if (json_unpack_ex(o, &jerr, JSON_STRICT, "{s:I,s?s,s?s,s:I}", "id", &id,
	    "url", &q->url, "tcp", &q->tcp, "timeout_ms", &timeout) == -1) {
		snprintf(err, len, "bad request: %s", jerr.text);
		return -1;
	}
	if (id < 0 || (q->url == NULL) == (q->tcp == NULL) || timeout <= 0) {
		snprintf(err, len, "bad request: %s", id < 0 ? "negative id" :
		    timeout <= 0 ? "timeout_ms must be > 0" : "one of url and tcp");
		return -1;
	}
	q->id = (uint64_t)id;
	q->timeout_ms = timeout;
	return 0;
}

json_t *hproto_reply_pack(const struct hproto_reply *r)
{
	return json_pack("{s:I,s:b,s:s,s:I}", "id", (json_int_t)r->id, "ok", r->ok,
	    "text", r->text, "latency_ms", (json_int_t)r->latency_ms);
}

int hproto_reply_unpack(json_t *o, struct hproto_reply *r, char *err, size_t len)
{
	json_error_t jerr;
	json_int_t id = -1, latency = 0;
	int ok = 0;

	memset(r, 0, sizeof(*r));
	if (json_unpack_ex(o, &jerr, 0, "{s:I,s:b,s:s,s:I}", "id", &id, "ok", &ok,
	    "text", &r->text, "latency_ms", &latency) == -1) {
		snprintf(err, len, "bad reply: %s", jerr.text);
		return -1;
	}
	if (id < 0) {
		snprintf(err, len, "bad reply: negative id");
		return -1;
	}
	r->id = (uint64_t)id;
	r->ok = ok != 0;
	r->latency_ms = latency < 0 ? 0 : latency;
	return 0;
}
