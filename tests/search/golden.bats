#!/usr/bin/env bats
# Golden-file tests: each of the 14 tools on the fixture database, its
# markdown compared byte for byte with tests/fixtures/search/golden/NAME.md.
# Cases (tool and arguments) are in tests/fixtures/search/cases.txt.
# UPDATE_GOLDEN=1 rewrites the golden files instead (review the diff!).

load ../lib/search

setup() { search_setup; }
teardown() { search_teardown; }

golden() {
	local name="$1" tool args line
	line="$(grep "^$name " "$SEARCH_FIXTURES/cases.txt")"
	[ -n "$line" ]
	tool="$(cut -d' ' -f2 <<<"$line")"
	args="$(cut -d' ' -f3- <<<"$line")"
	search_call "$tool" "$args" >"$T/got.md"
	[ "$(search_is_error)" = false ]
	if [ -n "${UPDATE_GOLDEN:-}" ]; then
		cp "$T/got.md" "$SEARCH_FIXTURES/golden/$name.md"
	fi
	diff -u "$SEARCH_FIXTURES/golden/$name.md" "$T/got.md"
}

@test "golden: search" {
	golden search
}

@test "golden: timeline" {
	golden timeline
}

@test "golden: decisions" {
	golden decisions
}

@test "golden: changes" {
	golden changes
}

@test "golden: how_it_works" {
	golden how_it_works
}

@test "golden: search_observations" {
	golden search_observations
}

@test "golden: search_sessions" {
	golden search_sessions
}

@test "golden: search_user_prompts" {
	golden search_user_prompts
}

@test "golden: find_by_concept" {
	golden find_by_concept
}

@test "golden: find_by_file" {
	golden find_by_file
}

@test "golden: find_by_type" {
	golden find_by_type
}

@test "golden: get_recent_context" {
	golden get_recent_context
}

@test "golden: get_context_timeline" {
	golden get_context_timeline
}

@test "golden: get_timeline_by_query" {
	golden get_timeline_by_query
}

