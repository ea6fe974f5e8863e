/*
 * The end-of-run summary. It is meant for a person reading a terminal, so
 * it is a small aligned table rather than key=value log fields.
 */
#include "summary.h"

#include <stdio.h>
#include <string.h>

void index_counts_add(struct index_counts *c, const struct doc_info *info)
{
    if (strncmp(info->uid, "repo:", 5) == 0) {
        c->repos++;
        return;
    }
    c->papers++;
    c->with_abstract += info->has_abstract != 0;
    c->with_code += info->has_code != 0;
    c->with_readme += info->has_readme != 0;
}

void index_counts_merge(struct index_counts *into,
                        const struct index_counts *from)
{
    into->papers += from->papers;
    into->with_abstract += from->with_abstract;
    into->with_code += from->with_code;
    into->with_readme += from->with_readme;
    into->repos += from->repos;
    into->duplicates += from->duplicates;
    into->added += from->added;
    into->changed += from->changed;
    into->unchanged += from->unchanged;
}

void build_report_print(const struct build_report *r, double total_seconds)
{
    const struct index_counts *c = &r->counts;
    FILE *f = stderr;

    fprintf(f, "%s summary\n", r->update ? "update" : "build");
    fprintf(f, "  records read        %zu\n", r->feed.records);
    /* An update writes only new and changed papers: those are counted. */
    fprintf(f, "  papers %s      %zu\n", r->update ? "written" : "indexed",
            c->papers);
    fprintf(f, "    with abstract     %zu\n", c->with_abstract);
    fprintf(f, "    with code         %zu\n", c->with_code);
    fprintf(f, "    with README text  %zu\n", c->with_readme);
    fprintf(f, "  duplicate ids       %zu (later record kept)\n",
            c->duplicates);
    fprintf(f, "  README-only repos   %zu\n", c->repos);
    fprintf(f, "  links read          %zu (%zu skipped)\n", r->code.links,
            r->code.links_skipped);
    if (r->code.links_unmatched)
        fprintf(f, "    to no paper       %zu (their paper is not in the "
                   "crawl)\n", r->code.links_unmatched);
    fprintf(f, "  READMEs loaded      %zu (%zu skipped)\n", r->code.readmes,
            r->code.readmes_skipped);
    if (r->update)
        fprintf(f, "  added %zu, changed %zu, unchanged %zu\n", c->added,
                c->changed, c->unchanged);
    if (r->feed.dropped)
        fprintf(f, "  fields left out     %zu (records still indexed)\n",
                r->feed.dropped);
    fprintf(f, "  records skipped     %zu\n", r->feed.skipped);
    for (size_t i = 0; i < r->feed.n_reasons; i++)
        fprintf(f, "    %6zu  %s\n", r->feed.reason_counts[i],
                r->feed.reasons[i]);
    if (!r->update)
        fprintf(f, "  generation          %u\n", r->generation);
    fprintf(f, "  time                %.2fs (indexing %.2fs, merge %.2fs)\n",
            total_seconds, r->index_seconds, r->merge_seconds);
    if (total_seconds > 0)
        fprintf(f, "  rate                %.0f papers/s\n",
                (double)r->feed.papers / total_seconds);
}
