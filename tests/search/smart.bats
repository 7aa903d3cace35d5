#!/usr/bin/env bats
# mem-search's claude-mem 13 code tools (smart_outline, smart_unfold,
# smart_search) over stdio, on a small tree made here: a C file, a Python
# file and a JavaScript file with nested classes and methods. The server
# runs in the tree, the workspace 13's tools are confined to.

load ../lib/search

setup() {
	search_setup
	ctags --version 2>/dev/null | grep -q 'Universal Ctags' ||
	    require_or_skip "universal-ctags (ctags) is not installed"
	P="$T/proj"
	mkdir -p "$P/src" "$P/py" "$P/web" "$P/node_modules/dep" "$P/.hidden" \
	    "$P/build"
	cat >"$P/src/calc.c" <<-'EOF'
	#include <stdio.h>

	struct acc {
		int total;
	};

	/** Add two numbers. */
	static int add_numbers(int a, int b)
	{
		return a + b;
	}

	int calc_main(int argc, char **argv)
	{
		printf("%d\n", add_numbers(argc, 2));
		return 0;
	}
	EOF
	cat >"$P/py/shapes.py" <<-'EOF'
	import math


	class Circle:
	    """A circle of radius r."""

	    def __init__(self, r):
	        self.r = r

	    def area(self):
	        return math.pi * self.r ** 2


	def _helper(x):
	    return x
	EOF
	cat >"$P/web/widget.js" <<-'EOF'
	import fs from 'fs';

	export class Widget {
	  constructor(name) {
	    this.name = name;
	  }

	  renderWidget() {
	    if (this.name) {
	      return `<${this.name}>`;
	    }
	    return '';
	  }
	}

	function loadWidgets(dir) {
	  return fs.readdirSync(dir);
	}
	EOF
	# What 13 skips: dependencies, hidden and build folders.
	echo 'function renderSkipped() { return 1; }' >"$P/node_modules/dep/x.js"
	echo 'int render_hidden(void) { return 1; }' >"$P/.hidden/h.c"
	echo 'int render_build(void) { return 1; }' >"$P/build/b.c"
	cd "$P" || return 1
}

teardown() {
	pkill -KILL -f 'sleep 73519' 2>/dev/null || true
	search_teardown
}

# unfolds FILE SYMBOL FROM TO: smart_unfold answers with its location line
# and exactly lines FROM-TO of FILE.
unfolds() {
	run search_call smart_unfold "{\"file_path\":\"$1\",\"symbol_name\":\"$2\"}"
	[ "$(search_is_error)" = false ]
	[ "${lines[0]}" = "// 📍 $P/$1 L$3-$4" ]
	[ "$(tail -n +2 <<<"$output")" = "$(sed -n "$3,$4p" "$P/$1")" ]
}

@test "smart_outline: a C file's symbols with their lines, 13's layout" {
	run search_call smart_outline '{"file_path":"src/calc.c"}'
	[ "$(search_is_error)" = false ]
	[ "$output" = "📁 $P/src/calc.c (c, 18 lines)

  📦 Imports: 1 statements
    #include <stdio.h>

  ◆ acc (L3-5)
    struct acc
  ƒ add_numbers (L8-11)
    static int add_numbers(int a, int b)
    💬 Add two numbers. */
  ƒ calc_main [exported] (L13-17)
    int calc_main(int argc, char **argv)" ]
}

@test "smart_outline: Python methods nested in their class, the docstring" {
	run search_call smart_outline '{"file_path":"py/shapes.py"}'
	echo "$output"
	[ "$(search_is_error)" = false ]
	[ "${lines[0]}" = "📁 $P/py/shapes.py (python, 16 lines)" ]
	[[ "$output" == *"
  ◆ Circle [exported] (L4-11)
    class Circle
    💬 A circle of radius r.
    ƒ __init__ (L7-8)
      def __init__(self, r)
    ƒ area [exported] (L10-11)
      def area(self)
  ƒ _helper (L14-15)
    def _helper(x)" ]]
}

@test "smart_outline: a JavaScript class with its methods, exports marked" {
	run search_call smart_outline '{"file_path":"web/widget.js"}'
	echo "$output"
	[ "$(search_is_error)" = false ]
	[[ "$output" == *"
  ◆ Widget [exported] (L3-14)
    export class Widget
    ƒ constructor [exported] (L4-6)
      constructor(name)
    ƒ renderWidget [exported] (L8-13)
      renderWidget()
  ƒ loadWidgets (L16-18)
    function loadWidgets(dir)" ]]
}

@test "smart_unfold: exactly the function's source lines" {
	unfolds src/calc.c calc_main 13 17
	# the doc comment above comes along, as 13 unfolds
	unfolds src/calc.c add_numbers 7 11
}

@test "smart_unfold: a nested method, braces inside it counted" {
	unfolds web/widget.js renderWidget 8 13
	unfolds py/shapes.py area 10 11
}

@test "smart_unfold: an unknown symbol lists the file's symbols" {
	run search_call smart_unfold '{"file_path":"py/shapes.py","symbol_name":"nope"}'
	[ "$(search_is_error)" = false ]
	[ "$output" = 'Symbol "nope" not found in py/shapes.py.

Available symbols:
  - Circle (class)
  - _helper (function)' ]
}

@test "smart_search: a partial name finds the symbol; skipped folders stay out" {
	run search_call smart_search '{"query":"render"}'
	echo "$output"
	[ "$(search_is_error)" = false ]
	[ "${lines[0]}" = '🔍 Smart Search: "render"' ]
	[ "${lines[1]}" = '   Scanned 3 files, found 11 symbols' ]
	[[ "$output" == *"  method Widget.renderWidget (web/widget.js:8)
    renderWidget()"* ]]
	[[ "$output" == *"── Folded File Views ──

📁 web/widget.js (javascript, 19 lines)"* ]]
	[[ "$output" == *"── Actions ──"* ]]
	[[ "$output" != *renderSkipped* ]]
	[[ "$output" != *render_hidden* ]]
	[[ "$output" != *render_build* ]]
}

@test "smart_search: file_pattern and max_results" {
	run search_call smart_search '{"query":"a","file_pattern":".py"}'
	echo "$output"
	[ "${lines[1]}" = '   Scanned 1 files, found 4 symbols' ]
	[[ "$output" != *calc.c* ]]
	[[ "$output" == *"(py/shapes.py:"* ]]
	run search_call smart_search '{"query":"a"}'
	[ "$(grep -c '^  [a-z]* .* ([a-z/]*\.[a-z]*:[0-9]*)$' <<<"$output")" -ge 3 ]
	run search_call smart_search '{"query":"a","max_results":2}'
	echo "$output"
	[ "$(grep -c '^  [a-z]* .* ([a-z/]*\.[a-z]*:[0-9]*)$' <<<"$output")" -eq 2 ]
	[[ "${lines[2]}" == '   2 matches across '* ]]
	run search_call smart_search '{"query":"a","max_results":"1"}'
	[ "$(grep -c '^  [a-z]* .* ([a-z/]*\.[a-z]*:[0-9]*)$' <<<"$output")" -eq 1 ]
	run search_call smart_search '{"query":"zzqqxx"}'
	[ "$output" = '🔍 Smart Search: "zzqqxx"
   Scanned 3 files, found 11 symbols
   0 matches across 0 files (~0 tokens for folded view)

   No matching symbols found.' ]
}

@test "a missing file, a path outside the workspace: isError" {
	run search_call smart_outline '{"file_path":"src/missing.c"}'
	[ "$(search_is_error)" = true ]
	[ "$output" = "Tool execution failed: ENOENT: no such file or directory, open '$P/src/missing.c'" ]
	run search_call smart_unfold '{"file_path":"../../etc/passwd","symbol_name":"x"}'
	[ "$(search_is_error)" = true ]
	[[ "$output" == 'Tool execution failed: Access denied: "../../etc/passwd" resolves outside the workspace'* ]]
	run search_call smart_search '{"query":"x","path":"nowhere"}'
	[ "$(search_is_error)" = true ]
	[[ "$output" == *"ENOENT"*"$P/nowhere"* ]]
	run search_call smart_outline '{}'
	[ "$(search_is_error)" = true ]
	[ "$output" = 'Tool execution failed: file_path is required' ]
}

@test "without ctags on PATH: an isError naming the program, no crash" {
	local out
	out="$( { search_init_line
		printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"smart_outline","arguments":{"file_path":"src/calc.c"}}}'
		printf '%s\n' '{"jsonrpc":"2.0","id":2,"method":"ping"}'
	} | PATH="$T/empty-path" "$SEARCH_BIN" 2>"$T/stderr")"
	echo "$out"
	[ "$(sed -n 2p <<<"$out" | jq -r .result.isError)" = true ]
	[[ "$(sed -n 2p <<<"$out" | jq -r '.result.content[0].text')" == *'"ctags" not found on PATH'* ]]
	[ "$(sed -n 3p <<<"$out" | jq -c .result)" = '{}' ]
}

@test "tools/list: the code tools on 13's page with 13's schemas" {
	local out
	out="$(search_raw "$(search_init_line)" \
	    '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"cursor":"claude-mem-13"}}')"
	[ "$(sed -n 2p <<<"$out" | jq -c '[.result.tools[] | select(.name | startswith("smart_")) | [.name, .inputSchema.required]]')" = \
	    '[["smart_search",["query"]],["smart_unfold",["file_path","symbol_name"]],["smart_outline",["file_path"]]]' ]
}

# A ctags on PATH made by the test: SCRIPT is its body.
fake_ctags() {
	mkdir -p "$T/fakebin"
	printf '#!/bin/sh\n%s\n' "$1" >"$T/fakebin/ctags"
	chmod +x "$T/fakebin/ctags"
}

# One call with PATH=$T/fakebin for mem-search only; the reply line.
call_with_fake() {
	{ search_init_line
		printf '%s\n' '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"smart_outline","arguments":{"file_path":"src/calc.c"}}}'
	} | PATH="$T/fakebin" "$SEARCH_BIN" 2>"$T/stderr" | sed -n 2p
}

@test "a ctags without JSON output (not universal-ctags): isError" {
	fake_ctags 'echo "ctags: Unknown option: --output-format" >&2; exit 1'
	run call_with_fake
	echo "$output"
	[ "$(jq -r .result.isError <<<"$output")" = true ]
	[[ "$(jq -r '.result.content[0].text' <<<"$output")" == *'ctags failed (exit status 1): universal-ctags with JSON output is needed'* ]]
}

ctags_marker_gone() {
	if pgrep -f 'sleep 73519' >/dev/null; then
		return 1
	fi
}

@test "a ctags that hangs is killed at its bound (CLAUDE_MEM_CTAGS_TIMEOUT_MS); the call answers isError" {
	# The bound is 30 s by default (test_search_smart checks the default
	# and the knob's range); 2 s here, so the test waits 2 s, not 30.
	fake_ctags "exec $(command -v sleep) 73519"
	local t0 t1
	t0=$(date +%s%N)
	CLAUDE_MEM_CTAGS_TIMEOUT_MS=2000 run call_with_fake
	t1=$(date +%s%N)
	echo "$output"
	[ "$(jq -r .result.isError <<<"$output")" = true ]
	[[ "$(jq -r '.result.content[0].text' <<<"$output")" == *'ctags took longer than 2 s'* ]]
	[ $(((t1 - t0) / 1000000)) -ge 2000 ]
	[ $(((t1 - t0) / 1000000)) -lt 90000 ]
	wait_until 10 ctags_marker_gone
}
