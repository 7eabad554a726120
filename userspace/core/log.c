#include <stdarg.h>
#include <stdio.h>

#include "log.h"

int ferret_verbose;

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	fprintf(stderr, "ferret: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void ferr(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("", fmt, ap);
	va_end(ap);
}

void fwarn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning: ", fmt, ap);
	va_end(ap);
}

void fdebug(const char *fmt, ...)
{
	va_list ap;

	if (!ferret_verbose)
		return;
	va_start(ap, fmt);
	vreport("debug: ", fmt, ap);
	va_end(ap);
}
