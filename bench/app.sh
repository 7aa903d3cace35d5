#!/bin/sh
# app.sh: the apps the benchmark supervises, the same for csup, PM2 and
# supervisord. Written in perl (perl-base is essential in Debian) rather than
# sh, because a non-interactive sh starts its background jobs with SIGINT
# ignored, which would turn every "plain child" into a signal-ignoring one.
#
#   app.sh single xMARK                  one process: sleep MARK
#   app.sh tree N xMARK                  N processes: N-1 children and the
#                                        main, every one `sleep MARK`
#   app.sh esc PATTERN xMAIN xESC FILE   the main `sleep MAIN` and one
#                                        descendant `sleep ESC` that escapes
#                                        by PATTERN; the descendant appends
#                                        its pid to FILE just before its exec
#
# PATTERN: plain (a child), setsid (a child in a session of its own), double
# (a double fork: the grandchild is reparented), envi (`env -i setsid`: own
# session, empty environment), noterm (a child ignoring TERM, INT, HUP and
# QUIT), setpgrp (a child in a process group of its own).
# Markers are passed with a leading letter so that no process but the final
# `sleep MARK` carries MARK as a whole argument (the benchmark counts by it).
exec perl -MPOSIX -e '
use strict;
my $mode = shift @ARGV;
sub mark { return substr($_[0], 1) }
sub sleep_on { exec { "/bin/sleep" } "sleep", $_[0]; POSIX::_exit(127) }
if ($mode eq "single") {
	sleep_on(mark($ARGV[0]));
} elsif ($mode eq "tree") {
	my ($n, $m) = ($ARGV[0], mark($ARGV[1]));
	for (2 .. $n) {
		my $p = fork();
		die "fork: $!" unless defined $p;
		sleep_on($m) if $p == 0;
	}
	sleep_on($m);
} elsif ($mode eq "esc") {
	my ($pat, $main, $esc, $file) = ($ARGV[0], mark($ARGV[1]), mark($ARGV[2]), $ARGV[3]);
	my $p = fork();
	die "fork: $!" unless defined $p;
	if ($p == 0) {
		if ($pat eq "double") {
			my $q = fork();
			POSIX::_exit(defined $q ? 0 : 1) if !defined $q || $q != 0;
		}
		POSIX::setsid() if $pat eq "setsid" || $pat eq "envi";
		setpgrp(0, 0) if $pat eq "setpgrp";
		$SIG{$_} = "IGNORE" for ($pat eq "noterm" ? qw(TERM INT HUP QUIT) : ());
		%ENV = () if $pat eq "envi";
		open(my $f, ">>", $file) or POSIX::_exit(1);
		print $f "$$\n";
		close($f);
		sleep_on($esc);
	}
	waitpid($p, 0) if $pat eq "double";
	sleep_on($main);
} else {
	die "app.sh: unknown mode $mode\n";
}
' -- "$@"
