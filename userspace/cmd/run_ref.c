/* A run named on the command line (run_ref.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "run_names.h"
#include "run_ref.h"

bool run_ref__is_file(const char *path)
{
	struct stat sb;

	return !stat(path, &sb) && S_ISREG(sb.st_mode);
}

int run_ref__parse(const char *arg, const char *db, struct run_ref *r)
{
	const char *colon = strrchr(arg, ':');

	if (colon && colon > arg && colon[1]) {
		char *path = strndup(arg, (size_t)(colon - arg));

		if (path && run_ref__is_file(path)) {
			r->db = path;
			r->run_id = strdup(colon + 1);
			return r->run_id ? 0 : -1;
		}
		free(path);
	}
	r->db = strdup(db);
	r->run_id = strdup(arg);
	return r->db && r->run_id ? 0 : -1;
}

int run_ref__open(struct run_ref *r)
{
	if (store__open(r->db, STORE_READ, &r->store) || store__find_run(r->store, r->run_id, &r->run) ||
	    run_names__find(r->store, &r->run, &r->names) || run_query__open(r->db, &r->q))
		return -1;
	run_query__show_names(r->q, r->names);
	return 0;
}

void run_ref__free(struct run_ref *r)
{
	run_query__free(r->q);
	func_names__free(r->names);
	store__free(r->store);
	free(r->db);
	free(r->run_id);
	memset(r, 0, sizeof(*r));
}
