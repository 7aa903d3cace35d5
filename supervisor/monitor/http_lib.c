/*
 * http_lib.c: libmicrohttpd on first use (http_lib.h). A daemon run with
 * CSUP_HTTP=off never maps it, nor the TLS libraries it pulls in.
 */
#include <stdio.h>
#include <string.h>

#include "dynlib.h"
#include "http_lib.h"

#define SYM(m)	{ "MHD_" #m, offsetof(struct http_lib, m) }

static const struct dynlib_sym syms[] = {
	SYM(start_daemon), SYM(stop_daemon), SYM(get_timeout), SYM(run),
	SYM(get_daemon_info), SYM(lookup_connection_value), SYM(queue_response),
	SYM(create_response_from_buffer), SYM(destroy_response),
	SYM(add_response_header),
};

int http_lib_open(struct http_lib *lib, char *err, size_t len)
{
	memset(lib, 0, sizeof(*lib));
	lib->handle = dynlib_open(HTTP_LIB_SONAME, syms, sizeof(syms) / sizeof(syms[0]),
	    lib, err, len);
	return lib->handle != NULL ? 0 : -1;
}

void http_lib_close(struct http_lib *lib)
{
	dynlib_close(lib->handle);
	lib->handle = NULL;
}
