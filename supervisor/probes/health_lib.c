/*
 * health_lib.c: libcurl on first use (health.h, health_lib.h). A daemon
 * whose apps have no health check never maps libcurl, nor the TLS, SSH,
 * LDAP, Kerberos... libraries it pulls in (about 4 MB of RSS).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "dynlib.h"
#include "health.h"
#include "health_lib.h"

#define SYM(m)	{ "curl_" #m, offsetof(struct health_lib, m) }

static const struct dynlib_sym syms[] = {
	SYM(global_init), SYM(global_cleanup), SYM(easy_init), SYM(easy_setopt),
	SYM(easy_getinfo), SYM(easy_strerror), SYM(easy_cleanup), SYM(multi_init),
	SYM(multi_setopt), SYM(multi_add_handle), SYM(multi_remove_handle),
	SYM(multi_assign), SYM(multi_socket_action), SYM(multi_info_read),
	SYM(multi_cleanup),
};

struct health_lib *health_lib_open(char *err, size_t len)
{
	struct health_lib *lib;

	if ((lib = calloc(1, sizeof(*lib))) == NULL) {
		snprintf(err, len, "out of memory");
		return NULL;
	}
	lib->handle = dynlib_open(HEALTH_LIB_SONAME, syms, sizeof(syms) / sizeof(syms[0]),
	    lib, err, len);
	if (lib->handle == NULL) {
		free(lib);
		return NULL;
	}
	if (lib->global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, len, "%s: curl_global_init failed", HEALTH_LIB_SONAME);
		dynlib_close(lib->handle);
		free(lib);
		return NULL;
	}
	return lib;
}

void health_lib_close(struct health_lib *lib)
{
	if (lib == NULL)
		return;
	lib->global_cleanup();
	dynlib_close(lib->handle);
	free(lib);
}
