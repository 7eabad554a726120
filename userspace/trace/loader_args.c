/* loader_args: -A, -R's capture plans into the BPF side (see loader_int.h). */
#include <errno.h>

#include <bpf/libbpf.h>

#include "bpf/events.h"
#include "ferret.skel.h"
#include "loader_int.h"

int loader_args__configure(struct ferret_bpf *skel, const struct loader_opts *opts)
{
	skel->rodata->capture_args = opts->arg_plans != NULL;
	skel->rodata->string_size = opts->string_size ? opts->string_size : 64;
	if (skel->rodata->string_size > FERRET_STR_MAX)
		return -EINVAL;
	return bpf_map__set_max_entries(skel->maps.arg_plans, opts->nfuncs ? opts->nfuncs : 1);
}

int loader_args__fill(struct ferret_bpf *skel, const struct loader_opts *opts)
{
	struct ferret_arg_plan plan = { 0 };
	uint32_t f;
	int i;

	for (f = 0; opts->arg_plans && f < opts->nfuncs; f++) {
		const struct loader_arg_plan *p = &opts->arg_plans[f];

		if (!p->entry && !p->ret)
			continue;
		plan.entry = p->entry;
		plan.ret = p->ret;
		for (i = 0; i < FERRET_ARG_STRS; i++)
			plan.str_arg[i] = p->str_arg[i];
		if (bpf_map__update_elem(skel->maps.arg_plans, &f, sizeof(f), &plan, sizeof(plan), BPF_ANY))
			return -errno;
	}
	return 0;
}
