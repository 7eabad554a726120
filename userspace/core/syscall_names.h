/* syscall_names: x86-64 system call names by number (generated: scripts/gen_syscall_names.sh). */
#ifndef FERRET_SYSCALL_NAMES_H
#define FERRET_SYSCALL_NAMES_H

/* NULL: no system call of that number (unused numbers, negative ones). */
const char *syscall_name(int nr);
int syscall_count(void); /* numbers 0 .. syscall_count() - 1 */

#endif
