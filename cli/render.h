/*
 * Printing a search reply for a person (ranked list with code) or for a
 * program (JSON). The text form keeps one hit within a few lines.
 */
#ifndef PWC_RENDER_H
#define PWC_RENDER_H

#include <cjson/cJSON.h>
#include <stdio.h>

/* Whether the query matched some paper, though perhaps none on the page
 * asked for (an offset past the end, or --limit 0 for the count only). */
int render_matched(const cJSON *reply);
void render_text(FILE *f, const cJSON *reply, int color);
void render_json(FILE *f, const cJSON *reply);

#endif
