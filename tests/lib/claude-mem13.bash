# tests/lib/claude-mem13.bash: the published claude-mem 13 client, for the
# tests that run it against mem-worker. m13_install puts claude-mem@13.25.3
# (the npm tarball, unpacked: its hooks and MCP server are self-contained
# bundles) and bun@1.4.5 (its hooks run under bun) into
# $CSUP_BUILD_DIR/claude-mem13, once; later runs reuse it. Without the npm
# registry the caller skips, except under CI=true where that fails.

M13_VERSION=13.25.3
M13_BUN_VERSION=1.4.5

m13_fetch() {
	local dir="$1" tgz
	rm -rf "$dir/package" "$dir/bun" "$dir/.done"
	mkdir -p "$dir/bun"
	tgz="$(cd "$dir" && npm pack --silent "claude-mem@$M13_VERSION" 2>>"$dir/npm.log" | tail -1)" || return 1
	[ -n "$tgz" ] && [ -f "$dir/$tgz" ] || return 1
	tar -xzf "$dir/$tgz" -C "$dir" || return 1
	rm -f "$dir/$tgz"
	npm install --prefix "$dir/bun" --no-save --no-audit --no-fund \
		--no-package-lock "bun@$M13_BUN_VERSION" >>"$dir/npm.log" 2>&1 || return 1
	"$dir/bun/node_modules/.bin/bun" --version >/dev/null 2>&1 || return 1
	[ -f "$dir/package/plugin/scripts/worker-service.cjs" ] || return 1
	touch "$dir/.done"
}

# m13_install: sets M13_DIR, M13_PLUGIN_SRC and M13_BUN_BIN; 1 on failure.
m13_install() {
	M13_DIR="${CSUP_BUILD_DIR:?}/claude-mem13"
	M13_PLUGIN_SRC="$M13_DIR/package/plugin"
	M13_BUN_BIN="$M13_DIR/bun/node_modules/.bin"
	mkdir -p "$M13_DIR"
	(
		flock 9
		[ -f "$M13_DIR/.done" ] || timeout 600 bash -c "$(declare -f m13_fetch); M13_VERSION=$M13_VERSION M13_BUN_VERSION=$M13_BUN_VERSION m13_fetch '$M13_DIR'"
	) 9>"$M13_DIR/.lock"
	[ -f "$M13_DIR/.done" ]
}

# m13_home HOME: the plugin where Claude Code puts an installed plugin.
m13_home() {
	local root="$1/.claude/plugins/cache/thedotmack/claude-mem/$M13_VERSION"
	mkdir -p "$root"
	cp -R "$M13_PLUGIN_SRC/." "$root/"
	M13_ROOT="$root"
}

# m13_hook_cmd EVENT INDEX: the command line hooks.json gives Claude Code.
m13_hook_cmd() {
	node -e '
		const h = require(process.argv[1]).hooks[process.argv[2]];
		const all = h.flatMap(m => m.hooks);
		process.stdout.write(all[Number(process.argv[3])].command);
	' "$M13_ROOT/hooks/hooks.json" "$1" "$2"
}
