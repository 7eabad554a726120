/* One way to report: "ferret: message" on stderr, one line. */
#ifndef FERRET_LOG_H
#define FERRET_LOG_H

__attribute__((format(printf, 1, 2))) void ferr(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void fwarn(const char *fmt, ...);
extern int ferret_verbose; /* -v: debug lines from libbpf and ferret */
__attribute__((format(printf, 1, 2))) void fdebug(const char *fmt, ...);

#endif
