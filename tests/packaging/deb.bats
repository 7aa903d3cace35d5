# ctest: noasan (the package is built from the normal build only)
# The Debian package: built with cpack from this build, its contents and
# dependencies checked, unpacked into a temporary root and run from there.

setup_file() {
	export PKG_DIR
	PKG_DIR=$(mktemp -d)
	# -B: the package and cpack's staging stay out of the build directory.
	cpack -G DEB -B "$PKG_DIR" --config "$CSUP_BUILD_DIR/CPackConfig.cmake" \
		>"$PKG_DIR/cpack.log" 2>&1 || { cat "$PKG_DIR/cpack.log" >&3; return 1; }
}

teardown_file() {
	rm -rf "$PKG_DIR"
}

deb() {
	ls "$PKG_DIR"/csup_*.deb
}

@test "cpack makes csup_VERSION_ARCH.deb" {
	version=$(sed -n 's/^project(csup VERSION \([0-9.]*\).*/\1/p' "$CSUP_SRC_DIR/CMakeLists.txt")
	[ -n "$version" ]
	[ "$(basename "$(deb)")" = "csup_${version}_$(dpkg --print-architecture).deb" ]
}

@test "the package holds the binaries, man pages, completion and example" {
	run dpkg-deb -c "$(deb)"
	echo "$output"
	[ "$status" -eq 0 ]
	for f in ./usr/bin/csup ./usr/bin/csupd ./usr/bin/csup-logger ./usr/bin/csup-http ./usr/bin/csup-health ./usr/bin/csup-monit ./usr/bin/mem-worker ./usr/bin/mem-search \
	    ./usr/share/man/man1/csup.1.gz ./usr/share/man/man5/csup-ecosystem.5.gz \
	    ./usr/share/man/man8/csupd.8.gz \
	    ./usr/share/bash-completion/completions/csup \
	    ./usr/share/doc/csup/examples/ecosystem.yaml; do
		awk '{print $6}' <<<"$output" | grep -qxF "$f" || { echo "missing: $f"; false; }
	done
	# Binaries executable by all, everything owned by root.
	[ -z "$(awk '$6 ~ /^\.\/usr\/bin\/./ && $1 != "-rwxr-xr-x"' <<<"$output")" ]
	[ -z "$(awk '$2 != "root/root"' <<<"$output")" ]
}

@test "the control file declares the runtime libraries" {
	run dpkg-deb -I "$(deb)"
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q '^ Package: csup$' <<<"$output"
	grep -q '^ Section: admin$' <<<"$output"
	grep -q '^ Maintainer: .' <<<"$output"
	grep -q '^ Description: .' <<<"$output"
	depends=$(sed -n 's/^ Depends: //p' <<<"$output")
	# libev is linked into csupd from its static archive (docs/daemon.md,
	# "Memory"); SQLite is too, but mem-worker and mem-search load it.
	# libcurl: csup-health's (the daemon's health checks).
	for lib in libyaml libsqlite3 libmicrohttpd libjansson libnettle libcurl libc6; do
		grep -q "$lib" <<<"$depends" || { echo "no $lib in: $depends"; false; }
	done
	# mem-search's code tools run ctags
	grep -q '^ Recommends: .*universal-ctags' <<<"$output"
}

@test "unpacked into a temporary root, the binary runs" {
	root="$PKG_DIR/root"
	dpkg-deb -x "$(deb)" "$root"
	CSUP_HOME="$PKG_DIR/home" run "$root/usr/bin/csup" version
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *csup* ]]
	run "$root/usr/bin/csup" check "$root/usr/share/doc/csup/examples/ecosystem.yaml"
	echo "$output"
	[ "$status" -eq 0 ]
	# The packaged man pages render.
	MANWIDTH=80 man -l "$root/usr/share/man/man1/csup.1.gz" >/dev/null
	MANWIDTH=80 man -l "$root/usr/share/man/man5/csup-ecosystem.5.gz" >/dev/null
	MANWIDTH=80 man -l "$root/usr/share/man/man8/csupd.8.gz" >/dev/null
	bash -n "$root/usr/share/bash-completion/completions/csup"
}
