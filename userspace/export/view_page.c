/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The page around the data: export/view/page.html with its style sheet and script
 * inlined (scripts/embed_view.sh builds them into the binary as ferret_view_page), the
 * data written where the page says @DATA@, inside <script type="application/json">.
 */
#include <string.h>

#include "view.h"
#include "core/log.h"

#define DATA_MARK "@DATA@"

extern const char ferret_view_page[]; /* NUL-terminated */

int view__write_page(struct view *v, FILE *out)
{
	const char *mark = strstr(ferret_view_page, DATA_MARK);
	struct jsonw *w;
	int err;

	if (!mark) { /* the build checks it is there */
		ferr("the viewer page was built without its data mark");
		return -1;
	}
	fwrite_unlocked(ferret_view_page, 1, (size_t)(mark - ferret_view_page), out);
	if (!(w = jsonw__new_html(out)))
		return -1;
	err = view__write_json(v, w);
	jsonw__free(w);
	fputs_unlocked(mark + strlen(DATA_MARK), out);
	return err || ferror(out) ? -1 : 0;
}
