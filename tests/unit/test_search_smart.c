/*
 * test_search_smart: the code tools' pure parts, without ctags: tags made
 * here as ctags would print them, one row a case: kinds, end lines where
 * ctags gives none (braces in strings and comments, indented blocks),
 * nesting, signatures, doc lines, exports, the folded view and unfold;
 * and the bound of one ctags run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "smart.h"

static char tmpdir[] = "/tmp/test_search_smart.XXXXXX";

/* Write text to NAME in the temporary directory; load it with tags. */
static void load(struct smart_file *f, const char *name, const char *text,
    const char *tags_fmt)
{
	char path[256], *tj;
	json_t *tags;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(smart_file_load(f, path, name, 1 << 20), 0);
	assert_true(asprintf(&tj, tags_fmt, path, path, path, path, path,
	    path) > 0);
	tags = json_loads(tj, 0, NULL);
	free(tj);
	assert_non_null(tags);
	assert_int_equal(smart_file_symbols(f, tags), 0);
	json_decref(tags);
}

static void test_language(void **state)
{
	static const char *const cases[][2] = {
		{ "a/b.c", "c" }, { "x.jsx", "tsx" }, { "x.mjs", "javascript" },
		{ "x.py", "python" }, { "README.md", "markdown" },
		{ "x.txt", NULL }, { "Makefile", NULL }, { "dir.c/file", NULL },
	};
	size_t i;
	const char *l;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		l = smart_language(cases[i][0]);
		if (cases[i][1] == NULL)
			assert_null(l);
		else
			assert_string_equal(l, cases[i][1]);
	}
}

static void test_js_len(void **state)
{
	(void)state;
	assert_int_equal(smart_js_len(""), 0);
	assert_int_equal(smart_js_len("abc"), 3);
	assert_int_equal(smart_js_len("\xc6\x92"), 1);		/* U+0192 */
	assert_int_equal(smart_js_len("\xe2\x97\x86"), 1);	/* U+25C6 */
	assert_int_equal(smart_js_len("\xf0\x9f\x93\x81"), 2);	/* U+1F4C1 */
}

static void test_doc_line(void **state)
{
	static const struct { const char *doc; int outline; const char *want; }
	    cases[] = {
		{ "/**\n * Adds.\n */", 1, "Adds." },
		{ "// one\n// two", 0, "one" },
		{ "\"\"\"Says hello.\"\"\"", 1, "Says hello." },
		{ "\"\"\"Says hello.\"\"\"", 0, "\"\"\"Says hello.\"\"\"" },
		{ "/** Add. */", 1, "Add. */" },	/* 13 keeps the tail */
		{ "# note", 0, "# note" },
		{ "//\n//", 1, NULL },
	};
	size_t i;
	char *s;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = smart_doc_line(cases[i].doc, cases[i].outline);
		if (cases[i].want == NULL)
			assert_null(s);
		else
			assert_string_equal(s, cases[i].want);
		free(s);
	}
}

static const char js[] =
	"import a from 'a';\n"
	"\n"
	"/** A widget. */\n"
	"export class W {\n"
	"  draw(x) {\n"
	"    const s = \"}\"; // }\n"
	"    /* { */ return `${x}`;\n"
	"  }\n"
	"}\n"
	"\n"
	"const f = (a,\n"
	"    b) => {\n"
	"  return a;\n"
	"};\n";

static const char js_tags[] = "["
	"{\"path\":\"%s\",\"name\":\"W\",\"kind\":\"class\",\"line\":4},"
	"{\"path\":\"%s\",\"name\":\"draw\",\"kind\":\"method\",\"line\":5},"
	"{\"path\":\"%s\",\"name\":\"s\",\"kind\":\"constant\",\"line\":6},"
	"{\"path\":\"%s\",\"name\":\"f\",\"kind\":\"constant\",\"line\":11},"
	"{\"path\":\"/elsewhere\",\"name\":\"z\",\"kind\":\"function\","
	"\"line\":1}]";

static void test_js(void **state)
{
	struct smart_file f;
	struct sbuf b;
	char *t;

	(void)state;
	load(&f, "w.js", js, js_tags);
	assert_string_equal(f.language, "javascript");
	assert_int_equal(f.nsyms, 3);	/* `const s = "}"` is no function */
	/* W: braces in strings, comments and templates do not count */
	assert_string_equal(f.syms[0].name, "W");
	assert_int_equal(f.syms[0].start, 3);
	assert_int_equal(f.syms[0].end, 8);
	assert_int_equal(f.syms[0].exported, 1);
	assert_string_equal(f.syms[0].doc, "/** A widget. */");
	assert_string_equal(f.syms[1].kind, "method");
	assert_int_equal(f.syms[1].parent, 0);
	assert_int_equal(f.syms[1].end, 7);
	assert_int_equal(f.syms[1].exported, 1);	/* inside the export */
	/* f: an arrow function, its signature up to '{' on one line */
	assert_string_equal(f.syms[2].kind, "function");
	assert_string_equal(f.syms[2].signature, "const f = (a, b) =>");
	assert_int_equal(f.syms[2].end, 13);
	assert_int_equal(f.syms[2].exported, 0);
	assert_int_equal(f.nimports, 1);

	sbuf_init(&b);
	smart_fmt_outline(&b, &f);
	t = sbuf_take(&b);
	assert_string_equal(t,
	    "\xf0\x9f\x93\x81 w.js (javascript, 15 lines)\n\n"
	    "  \xf0\x9f\x93\xa6 Imports: 1 statements\n"
	    "    import a from 'a';\n\n"
	    "  \xe2\x97\x86 W [exported] (L4-9)\n"
	    "    export class W\n"
	    "    \xf0\x9f\x92\xac A widget. */\n"
	    "    \xc6\x92 draw [exported] (L5-8)\n"
	    "      draw(x)\n"
	    "  \xc6\x92 f (L11-14)\n"
	    "    const f = (a, b) =>");
	free(t);

	assert_int_equal(smart_find(&f, "draw"), 1);
	assert_int_equal(smart_find(&f, "nope"), -1);
	sbuf_init(&b);
	smart_fmt_unfold(&b, &f, 0);
	t = sbuf_take(&b);
	assert_non_null(strstr(t, " L3-9\n/** A widget. */\nexport class W {"));
	assert_non_null(strstr(t, "  }\n}"));
	assert_null(strstr(t, "const f"));
	free(t);
	smart_file_free(&f);
}

static const char py[] =
	"class C:\n"
	"    def m(self):\n"
	"        def inner():\n"
	"            return 1\n"
	"\n"
	"        return inner()\n"
	"\n"
	"def _h():\n"
	"    pass\n";

static const char py_tags[] = "["
	"{\"path\":\"%s\",\"name\":\"C\",\"kind\":\"class\",\"line\":1},"
	"{\"path\":\"%s\",\"name\":\"m\",\"kind\":\"member\",\"line\":2,"
	"\"signature\":\"(self)\"},"
	"{\"path\":\"%s\",\"name\":\"inner\",\"kind\":\"function\",\"line\":3},"
	"{\"path\":\"%s\",\"name\":\"x\",\"kind\":\"variable\",\"line\":9},"
	"{\"path\":\"%s\",\"name\":\"_h\",\"kind\":\"function\",\"line\":8,"
	"\"end\":9}]";

static void test_python(void **state)
{
	struct smart_file f;

	(void)state;
	load(&f, "p.py", py, py_tags);
	assert_int_equal(f.nsyms, 4);
	/* no end from ctags: the indented block */
	assert_int_equal(f.syms[0].end, 5);
	assert_int_equal(f.syms[1].end, 5);
	assert_int_equal(f.syms[2].end, 3);
	/* 13 nests by container lines: inner is C's, as a method */
	assert_int_equal(f.syms[2].parent, 0);
	assert_string_equal(f.syms[2].kind, "method");
	assert_string_equal(f.syms[1].signature, "def m(self)");
	assert_int_equal(f.syms[3].exported, 0);
	assert_int_equal(f.syms[3].parent, -1);
	assert_int_equal(f.syms[3].end, 8);
	smart_file_free(&f);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

/* The ctags bound: 30 s (13's) unless the environment names 100..3600000 ms. */
static void test_ctags_timeout(void **state)
{
	static const struct { const char *env; int want; } cases[] = {
		{ NULL, 30000 }, { "", 30000 }, { "2000", 2000 }, { "100", 100 },
		{ "3600000", 3600000 }, { "99", 30000 }, { "3600001", 30000 },
		{ "2s", 30000 }, { "-5", 30000 }, { "99999999999999999999", 30000 },
	};
	size_t i;

	(void)state;
	assert_int_equal(SMART_CTAGS_TIMEOUT_MS, 30000);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].env == NULL)
			assert_int_equal(unsetenv(SMART_CTAGS_TIMEOUT_ENV), 0);
		else
			assert_int_equal(setenv(SMART_CTAGS_TIMEOUT_ENV, cases[i].env, 1), 0);
		assert_int_equal(smart_ctags_timeout_ms(), cases[i].want);
	}
	assert_int_equal(unsetenv(SMART_CTAGS_TIMEOUT_ENV), 0);
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_language),
		cmocka_unit_test(test_js_len),
		cmocka_unit_test(test_doc_line),
		cmocka_unit_test(test_js),
		cmocka_unit_test(test_python),
		cmocka_unit_test(test_ctags_timeout),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
