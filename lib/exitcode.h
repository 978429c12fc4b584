/* exitcode.h: the process exit codes every program shares (DESIGN.md). */
#ifndef CHAM_EXITCODE_H
#define CHAM_EXITCODE_H

#define EXIT_CHAM_OK		0 /* success */
#define EXIT_CHAM_RUNTIME	1 /* runtime failure, after retries */
#define EXIT_CHAM_BAD_INPUT 2 /* bad usage, config or input; nothing changed */
#define EXIT_CHAM_DISCARDED 3 /* finished, but rows were discarded */

#endif
