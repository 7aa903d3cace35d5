/*
 * smart_load.c: a source file read for the code tools: its bytes, its lines
 * (a CR before a LF dropped), and claude-mem 13's language name by its
 * extension.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "smart.h"

/* 13's language names by extension. */
static const char *const langs[][2] = {
	{ ".js", "javascript" }, { ".mjs", "javascript" },
	{ ".cjs", "javascript" }, { ".jsx", "tsx" }, { ".ts", "typescript" },
	{ ".tsx", "tsx" }, { ".py", "python" }, { ".pyw", "python" },
	{ ".go", "go" }, { ".rs", "rust" }, { ".rb", "ruby" },
	{ ".java", "java" }, { ".c", "c" }, { ".h", "c" }, { ".cpp", "cpp" },
	{ ".cc", "cpp" }, { ".cxx", "cpp" }, { ".hpp", "cpp" },
	{ ".hh", "cpp" }, { ".kt", "kotlin" }, { ".kts", "kotlin" },
	{ ".swift", "swift" }, { ".php", "php" }, { ".lua", "lua" },
	{ ".scala", "scala" }, { ".sc", "scala" }, { ".sh", "bash" },
	{ ".bash", "bash" }, { ".zsh", "bash" }, { ".hs", "haskell" },
	{ ".zig", "zig" }, { ".css", "css" }, { ".scss", "scss" },
	{ ".toml", "toml" }, { ".yml", "yaml" }, { ".yaml", "yaml" },
	{ ".sql", "sql" }, { ".md", "markdown" }, { ".mdx", "markdown" },
};

const char *smart_language(const char *path)
{
	const char *dot = strrchr(path, '.');
	size_t i;

	if (dot == NULL || strchr(dot, '/') != NULL)
		return NULL;
	for (i = 0; i < sizeof(langs) / sizeof(langs[0]); i++)
		if (strcmp(dot, langs[i][0]) == 0)
			return langs[i][1];
	return NULL;
}

static int read_all(int fd, char *buf, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = read(fd, buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	buf[got] = '\0';
	return (int)(got == n ? 0 : (errno = EIO, -1));
}

static int split_lines(struct smart_file *f, size_t len)
{
	size_t i, n = 1, k = 0;

	for (i = 0; i < len; i++)
		n += f->text[i] == '\n';
	f->lines = calloc(n, sizeof(*f->lines));
	if (f->lines == NULL)
		return -1;
	f->lines[k++] = f->text;
	for (i = 0; i < len; i++)
		if (f->text[i] == '\n') {
			f->text[i] = '\0';
			if (i > 0 && f->text[i - 1] == '\r')
				f->text[i - 1] = '\0';
			f->lines[k++] = f->text + i + 1;
		}
	f->nlines = n;
	return 0;
}

int smart_file_load(struct smart_file *f, const char *abs,
    const char *shown, size_t max)
{
	struct stat st;
	int fd, e;

	memset(f, 0, sizeof(*f));
	fd = open(abs, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || (S_ISDIR(st.st_mode) && (errno = EISDIR)) ||
	    ((size_t)st.st_size > max && (errno = EFBIG)))
		goto fail;
	f->text = malloc((size_t)st.st_size + 1);
	f->abs = strdup(abs);
	f->path = strdup(shown);
	if (f->text == NULL || f->abs == NULL || f->path == NULL) {
		errno = ENOMEM;
		goto fail;
	}
	f->size = (size_t)st.st_size;
	if (read_all(fd, f->text, f->size) < 0)
		goto fail;
	f->binary = memchr(f->text, '\0', f->size < 1000 ? f->size : 1000)
	    != NULL;
	if (split_lines(f, f->size) < 0)
		goto fail;
	close(fd);
	return 0;
fail:
	e = errno;
	close(fd);
	smart_file_free(f);
	errno = e;
	return -1;
}

void smart_file_free(struct smart_file *f)
{
	size_t i;

	for (i = 0; i < f->nsyms; i++) {
		free(f->syms[i].name);
		free(f->syms[i].signature);
		free(f->syms[i].doc);
	}
	for (i = 0; i < f->nimports; i++)
		free(f->imports[i]);
	free(f->syms);
	free(f->imports);
	free(f->lines);
	free(f->text);
	free(f->abs);
	free(f->path);
	free(f->language);
	memset(f, 0, sizeof(*f));
}
