/*
 * dynlib.h: a shared library loaded on first use (dlopen), its functions
 * through a table of pointers, so that a program does not map a library
 * (and all it depends on) for a feature nobody uses.
 */
#ifndef CSUP_DYNLIB_H
#define CSUP_DYNLIB_H

#include <stddef.h>

/* One function: its name and where its pointer goes in the caller's table. */
struct dynlib_sym {
	const char	*name;
	size_t		 offset;	/* offsetof(table type, member) */
};

/*
 * dlopen(soname), then every sym into table (a struct of function pointers).
 * The handle, or NULL with a one-line reason in err (nothing stays loaded).
 */
void	*dynlib_open(const char *soname, const struct dynlib_sym *syms, size_t n,
	    void *table, char *err, size_t errlen);
/* dlclose; NULL is fine. */
void	 dynlib_close(void *handle);

#endif
