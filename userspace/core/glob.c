#include <fnmatch.h>

#include "glob.h"

bool glob_match(const char *pattern, const char *text)
{
	return fnmatch(pattern, text, 0) == 0;
}
