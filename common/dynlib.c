/* dynlib.c: a shared library loaded on first use (dynlib.h). */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "dynlib.h"

void *dynlib_open(const char *soname, const struct dynlib_sym *syms, size_t n,
    void *table, char *err, size_t errlen)
{
	void *h, *fn;
	const char *why;

	if ((h = dlopen(soname, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		why = dlerror();
		snprintf(err, errlen, "cannot load %s: %s", soname, why ? why : "dlopen failed");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		(void)dlerror();
		if ((fn = dlsym(h, syms[i].name)) == NULL) {
			snprintf(err, errlen, "%s: no %s", soname, syms[i].name);
			dlclose(h);
			return NULL;
		}
		/* POSIX: a function pointer has the size and form of a void *. */
		memcpy((char *)table + syms[i].offset, &fn, sizeof(fn));
	}
	return h;
}

void dynlib_close(void *handle)
{
	if (handle != NULL)
		dlclose(handle);
}
