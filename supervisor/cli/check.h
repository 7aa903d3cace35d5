/* check.h: `csup check FILE [--json] [--strict] [--env NAME]`, no daemon needed. */
#ifndef CSUP_CHECK_H
#define CSUP_CHECK_H

/* argv[0] is "check". Returns the process exit code (0, or 2 on a bad file or usage). */
int check_main(int argc, char **argv);

#endif
