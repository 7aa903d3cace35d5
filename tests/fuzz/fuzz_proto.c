/*
 * fuzz_proto: the control socket's input path as the daemon runs it.
 *
 * The bytes are a client's stream, cut into reads of the sizes the first
 * bytes give (so frames arrive split anywhere, as on a socket), fed through
 * proto_feed() exactly as ctl.c does (never more than the frame still
 * needs). Every decoded request then goes through the daemon's validation
 * of its JSON body: each element of "apps" through config_app_from_json()
 * and the name check of cmd.c's parse_app() (what start, reload and
 * resurrect do); an accepted app must round-trip, and its default log paths
 * must stay in the logs directory. Every message is re-encoded, decoded and
 * compared.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paths.h"
#include "proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t need(const struct proto_reader *r)
{
	return r->hdr_got < 4 ? 4 - r->hdr_got : r->body_len - r->body_got;
}

static void check_app(json_t *j)
{
	struct app_config a, b;
	struct paths p;
	char out[PATH_MAX], err[PATH_MAX], msg[256], logs[] = "/home/u/.csup/logs";
	json_t *again;

	if (config_app_from_json(j, &a, msg, sizeof(msg)) == -1) {
		if (msg[0] == '\0')
			abort();
		return;
	}
	/* cmd.c parse_app(): a name is a path component of the logs. */
	if (!config_name_valid(a.name) || (a.group && !config_name_valid(a.group))) {
		config_app_free(&a);
		return;
	}
	memset(&p, 0, sizeof(p));
	p.logs = logs;
	paths_app_logs(&p, &a, out, err, sizeof(out));
	if ((a.out_file == NULL && strncmp(out, "/home/u/.csup/logs/", 19) != 0) ||
	    (a.error_file == NULL && strncmp(err, "/home/u/.csup/logs/", 19) != 0) ||
	    (a.out_file == NULL && strchr(out + 19, '/') != NULL) ||
	    (a.error_file == NULL && strchr(err + 19, '/') != NULL))
		abort();
	if ((again = config_app_to_json(&a)) == NULL)
		abort();
	if (config_app_from_json(again, &b, msg, sizeof(msg)) == -1) {
		fprintf(stderr, "re-read of an accepted app failed: %s\n", msg);
		abort();
	}
	if (!config_app_equal(&a, &b))
		abort();
	json_decref(again);
	config_app_free(&a);
	config_app_free(&b);
}

static void check_msg(json_t *msg)
{
	char err[256], *buf;
	json_t *apps, *j, *back;
	size_t len, i;
	uint32_t n;

	if (!json_is_object(msg))
		abort();
	apps = json_object_get(msg, "apps");
	json_array_foreach(apps, i, j)
		check_app(j);
	/* What the daemon sends back is what a client decodes. */
	if ((buf = proto_encode(msg, &len)) == NULL)
		return;		/* over PROTO_MAX_FRAME */
	if (len < 5 || proto_frame_len((unsigned char *)buf, &n) == -1 || n != len - 4)
		abort();
	if ((back = proto_decode(buf + 4, n, err, sizeof(err))) == NULL) {
		fprintf(stderr, "own frame rejected: %s\n", err);
		abort();
	}
	if (!json_equal(msg, back))
		abort();
	json_decref(back);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_reader rd;
	size_t off = 0, chunk, used, want;
	char err[256];
	json_t *msg;
	uint8_t cut;
	int rc;

	if (size < 1)
		return 0;
	cut = data[0];		/* 0: whole reads; else reads of 1..cut bytes */
	data++, size--;
	memset(&rd, 0, sizeof(rd));
	while (off < size) {
		want = need(&rd);
		chunk = size - off;
		if (cut != 0)
			chunk = chunk < (size_t)(cut % 16) + 1 ? chunk : (size_t)(cut % 16) + 1;
		if (chunk > want)
			chunk = want;
		err[0] = '\0';
		rc = proto_feed(&rd, (const char *)data + off, chunk, &used, &msg, err,
		    sizeof(err));
		if (used > chunk)
			abort();
		if (rc == -1) {
			if (err[0] == '\0')
				abort();
			break;	/* the daemon closes this client */
		}
		off += used;
		if (rc == 1) {
			check_msg(msg);
			json_decref(msg);
		} else if (used == 0)
			abort();	/* no progress */
	}
	proto_reader_reset(&rd);
	return 0;
}
