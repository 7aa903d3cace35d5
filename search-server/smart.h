/*
 * smart.h: claude-mem 13's code tools (smart_search, smart_outline,
 * smart_unfold) over universal-ctags, private to these files.
 *
 * smart_ctags.c  runs ctags as a bounded child, its JSON lines parsed
 * smart_load.c   a file's bytes and lines, 13's language name
 * smart_sym.c    a file's lines and tags -> 13's symbols (kinds, line
 *                ranges, signatures, doc lines, nesting, imports)
 * smart_fmt.c    13's text: the folded view of a file, the unfold text
 * smart.c        the three tools: paths, the walk, ranking, errors
 *
 * Error convention as search.h: 0 / -1 with one line in (err, errlen).
 */
#ifndef SMART_H
#define SMART_H

#include <stddef.h>

#include <jansson.h>

#include "search.h"

#define SMART_CTAGS		"ctags"
#define SMART_CTAGS_TIMEOUT_MS	30000		/* one ctags run (13: 30 s) */
#define SMART_CTAGS_TIMEOUT_ENV	"CLAUDE_MEM_CTAGS_TIMEOUT_MS"	/* 100..3600000 */
#define SMART_CTAGS_MAX_OUT	(64u << 20)	/* its JSON, at most */

/* One symbol; lines are 0-based as 13's. */
struct smart_sym {
	char		*name;
	const char	*kind;		/* 13's: function, class, method... */
	char		*signature;
	char		*doc;		/* comment above / docstring, or NULL */
	int		 start, end;
	int		 exported;
	int		 parent;	/* index of the container, or -1 */
};

struct smart_file {
	char		 *path;		/* as shown (absolute or relative) */
	char		 *abs;
	char		 *language;
	char		 *text;		/* the content, '\n' -> '\0' */
	size_t		  size;		/* its bytes */
	int		  binary;	/* a NUL in the first 1000 bytes */
	char		**lines;
	size_t		  nlines;
	struct smart_sym *syms;		/* in line order */
	size_t		  nsyms;
	char		**imports;
	size_t		  nimports;
};

/* smart_ctags.c: the tags of files (absolute paths) as a JSON array of
 * ctags' objects ("path", "name", "kind", "line", "end", ...). -1 with
 * err naming the missing program when ctags cannot be started. */
int	 smart_ctags(char *const *paths, size_t n, json_t **tags, char *err,
	    size_t errlen);
/* The bound of one ctags run in ms: $CLAUDE_MEM_CTAGS_TIMEOUT_MS when it is
 * an integer in 100..3600000, else SMART_CTAGS_TIMEOUT_MS. */
int	 smart_ctags_timeout_ms(void);

/* smart_load.c */
/* 13's language name of a path by its extension, or NULL. */
const char *smart_language(const char *path);
/* Read abs (at most max bytes) into f: -1 with errno (EFBIG too big). */
int	 smart_file_load(struct smart_file *f, const char *abs,
	    const char *shown, size_t max);
void	 smart_file_free(struct smart_file *f);

/* smart_sym.c */
/* The symbols and imports of f from ctags' tags whose "path" is f->abs. */
int	 smart_file_symbols(struct smart_file *f, json_t *tags);

/* smart_fmt.c */
/* 13's folded view of a file (its outline text). */
void	 smart_fmt_outline(struct sbuf *, const struct smart_file *);
/* Length of a UTF-8 text in UTF-16 units (JavaScript's .length). */
size_t	 smart_js_len(const char *s);
/* The first symbol named name, depth first (13's order), or -1. */
int	 smart_find(const struct smart_file *, const char *name);
/* 13's unfold text of symbol i. */
void	 smart_fmt_unfold(struct sbuf *, const struct smart_file *, int i);
/* The doc line 13 shows: outline 1 strips quotes as its outline does,
 * 0 as its search list does. NULL when none (caller frees). */
char	*smart_doc_line(const char *doc, int outline);

/* smart.c: answers ({"content":[...]}, isError when is_error or t NULL),
 * failures worded as 13's server words them ("Tool execution failed: "),
 * node's wording of a file error, 13's workspace rule for a path argument
 * (NULL with the answer in *err), a non-empty string argument. */
json_t	*smart_answer(const char *t, int is_error);
json_t	*smart_failed(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
json_t	*smart_file_failed(int e, const char *op, const char *path);
char	*smart_resolve(struct search_ctx *, const char *arg, json_t **err);
const char *smart_str(json_t *args, const char *k);

/* smart_search.c: the smart_search tool's answer. */
json_t	*smart_search(struct search_ctx *, json_t *args);

#endif
