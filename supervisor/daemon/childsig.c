/*
 * childsig.c: a forked child's signals back to their defaults (childsig.h).
 */
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "childsig.h"

/*
 * The kernel's struct sigaction (the generic layout of x86_64 and aarch64):
 * glibc's wrapper refuses the two real-time signals it keeps for itself (32
 * and 33), yet a process may inherit them ignored, and ignored signals
 * survive exec. A child must start with every disposition at default.
 */
struct kernel_sigaction {
	void		(*handler)(int);
	unsigned long	  flags;
	void		(*restorer)(void);
	unsigned long	  mask;
};

void child_reset_signals(void)
{
	struct kernel_sigaction dfl = { .handler = SIG_DFL };
	sigset_t none;

	for (int s = 1; s < NSIG; s++)
		if (signal(s, SIG_DFL) == SIG_ERR && s != SIGKILL && s != SIGSTOP)
			syscall(SYS_rt_sigaction, s, &dfl, NULL, sizeof(dfl.mask));
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}
