/*
 * glob: the one pattern matcher of every -f / --function (trace, analyze, export):
 * shell wildcards as fnmatch(3) without flags: '*', '?', '[a-z]', '[!x]', '\' escapes.
 */
#ifndef FERRET_GLOB_H
#define FERRET_GLOB_H

#include <stdbool.h>

bool glob_match(const char *pattern, const char *text);

#endif
