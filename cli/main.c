/*
 * pwc-search: search the index from a shell. Prints ranked papers with
 * their code, or the same reply as JSON. Exit status: 0 when the query
 * matches (even if the page asked for is past its hits), 1 when it
 * matches nothing, 2 for usage or index errors.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "remote.h"
#include "render.h"
#include "search.h"
#include "text.h"

static void usage(FILE *f)
{
    fputs(
        "usage: pwc-search [options] QUERY...\n"
        "\n"
        "Searches papers and their code. Words must all match (when none\n"
        "matches all of them, papers matching some are shown); \"quoted\n"
        "phrases\"; +must and -exclude at the start of a word; AND, OR, NOT\n"
        "and parentheses; field prefixes title:, author:, task:, abstract:,\n"
        "readme:, venue:; a trailing * completes a word. An arXiv id in any\n"
        "spelling finds its paper first. A blank query lists everything.\n"
        "\n"
        "options:\n"
        "  -n, --limit N          hits to show (default 10)\n"
        "      --offset N         hits to skip (default 0)\n"
        "  -s, --sort ORDER       relevance (default), date or stars\n"
        "      --has-code         only papers with code\n"
        "      --no-code          only papers without code\n"
        "      --official         only papers with official code\n"
        "      --framework NAME   only papers with code in NAME (pytorch,\n"
        "                         tf, jax, ...; comma-separated: any)\n"
        "      --task NAME        only papers with this task (exact)\n"
        "      --venue NAME       only papers of this venue (CVPR, ...)\n"
        "      --year FROM[-TO]   only papers of these years\n"
        "      --facets           also count hits by code, framework,\n"
        "                         task, year and venue\n"
        "  -j, --json             print the reply as JSON\n"
        "  -i, --index PATH       index to search (default: config)\n"
        "      --server URL       ask a running searchd instead, e.g.\n"
        "                         http://127.0.0.1:8080\n"
        "  -c, --config FILE      config file (default: $PWC_CONFIG or\n"
        "                         config/pwc-search.conf of the checkout)\n"
        "  -h, --help             this help\n"
        "\n"
        "exit status: 0 the query matches (even if this page shows none of\n"
        "its hits), 1 it matches nothing, 2 usage or index error\n",
        f);
}

enum {
    OPT_OFFSET = 256,
    OPT_HAS_CODE,
    OPT_NO_CODE,
    OPT_OFFICIAL,
    OPT_FRAMEWORK,
    OPT_TASK,
    OPT_VENUE,
    OPT_YEAR,
    OPT_FACETS,
    OPT_SERVER
};

struct cli {
    struct search_req req;
    const char *index;
    const char *config;
    const char *server;
    int json;
    char *query;
};

static int parse_uint_arg(const char *name, const char *v, unsigned max,
                          unsigned *out)
{
    char *end;
    unsigned long n = strtoul(v, &end, 10);

    if (!*v || *end || v[0] == '-' || n > max) {
        fprintf(stderr,
                "pwc-search: %s: expected a number from 0 to %u, got '%s'\n",
                name, max, v);
        return -1;
    }
    *out = (unsigned)n;
    return 0;
}

static int parse_option(struct cli *c, int opt, const char *arg)
{
    struct search_req *r = &c->req;
    int sort;

    switch (opt) {
    case 'n':
        return parse_uint_arg("--limit", arg, 10000, &r->limit);
    case OPT_OFFSET:
        return parse_uint_arg("--offset", arg, 1000000, &r->offset);
    case 's':
        sort = search_sort_parse(arg);
        if (sort < 0) {
            fprintf(stderr, "pwc-search: --sort: expected relevance, date "
                            "or stars, got '%s'\n", arg);
            return -1;
        }
        r->sort = (enum search_sort)sort;
        return 0;
    case OPT_HAS_CODE:
    case OPT_NO_CODE:
        if (r->has_code >= 0 && r->has_code != (opt == OPT_HAS_CODE)) {
            fputs("pwc-search: --has-code and --no-code exclude each "
                  "other\n", stderr);
            return -1;
        }
        r->has_code = opt == OPT_HAS_CODE;
        return 0;
    case OPT_OFFICIAL:
        r->official = 1;
        return 0;
    case OPT_FRAMEWORK:
        r->framework = arg;
        return 0;
    case OPT_TASK:
        r->task = arg;
        return 0;
    case OPT_VENUE:
        r->venue = arg;
        return 0;
    case OPT_YEAR:
        if (search_years_parse(arg, &r->year_from, &r->year_to) < 0) {
            fprintf(stderr, "pwc-search: --year: expected YYYY or "
                            "YYYY-YYYY, got '%s'\n", arg);
            return -1;
        }
        return 0;
    case OPT_FACETS:
        r->facets = 1;
        return 0;
    case 'j':
        c->json = 1;
        return 0;
    case 'i':
        c->index = arg;
        return 0;
    case 'c':
        c->config = arg;
        return 0;
    case OPT_SERVER:
        c->server = arg;
        return 0;
    default:
        return -1;
    }
}

/* Joins the remaining arguments into one query string, made valid UTF-8
 * (a Latin-1 terminal's bytes would otherwise be echoed in the JSON). */
static int join_query(struct cli *c, int argc, char **argv)
{
    size_t len = 1;
    char *joined;

    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    joined = calloc(1, len);
    if (!joined)
        return -1;
    for (int i = 0; i < argc; i++) {
        if (i)
            strcat(joined, " ");
        strcat(joined, argv[i]);
    }
    c->query = text_utf8_repair(joined, strlen(joined), &len);
    free(joined);
    if (!c->query)
        return -1;
    c->req.q = c->query;
    return 0;
}

/*
 * getopt's own message for "pwc-search gan -medical" would not tell the
 * user that a shell splits the query and that "-medical" was meant as an
 * exclusion: say so.
 */
static void report_bad_option(int opt, const char *arg)
{
    if (opt == ':') {
        fprintf(stderr, "pwc-search: option %s needs a value (see --help)\n",
                arg);
        return;
    }
    if (optopt && optopt != '-')
        fprintf(stderr, "pwc-search: unknown option -%c", optopt);
    else
        fprintf(stderr, "pwc-search: unknown option %s", arg);
    fputs(" (to exclude a word, quote the whole query, as in\n"
          "  pwc-search \"gan -medical\", or put -- before it; see "
          "--help)\n",
          stderr);
}

static int parse_args(struct cli *c, int argc, char **argv)
{
    static const struct option opts[] = {
        {"limit", required_argument, NULL, 'n'},
        {"offset", required_argument, NULL, OPT_OFFSET},
        {"sort", required_argument, NULL, 's'},
        {"has-code", no_argument, NULL, OPT_HAS_CODE},
        {"no-code", no_argument, NULL, OPT_NO_CODE},
        {"official", no_argument, NULL, OPT_OFFICIAL},
        {"framework", required_argument, NULL, OPT_FRAMEWORK},
        {"task", required_argument, NULL, OPT_TASK},
        {"venue", required_argument, NULL, OPT_VENUE},
        {"year", required_argument, NULL, OPT_YEAR},
        {"facets", no_argument, NULL, OPT_FACETS},
        {"json", no_argument, NULL, 'j'},
        {"index", required_argument, NULL, 'i'},
        {"config", required_argument, NULL, 'c'},
        {"server", required_argument, NULL, OPT_SERVER},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int opt;

    search_req_init(&c->req);
    opterr = 0; /* reported below, with a hint */
    while ((opt = getopt_long(argc, argv, ":n:s:ji:c:h", opts, NULL)) !=
           -1) {
        if (opt == 'h') {
            usage(stdout);
            exit(0);
        }
        if (opt == '?' || opt == ':') {
            report_bad_option(opt, argv[optind - 1]);
            return -1;
        }
        if (parse_option(c, opt, optarg) < 0)
            return -1;
    }
    return join_query(c, argc - optind, argv + optind);
}

static int local_search(const struct cli *c, const struct config *cfg,
                        cJSON **reply)
{
    const char *index = c->index ? c->index : cfg->index;
    struct searcher *s = NULL;
    struct err e = {0, ""};
    int rc;

    if (searcher_open(index, cfg, &s, &e) < 0) {
        fprintf(stderr, "pwc-search: cannot open index %s: %s\n", index,
                e.msg);
        return -1;
    }
    rc = search_run(s, &c->req, reply, &e);
    if (rc < 0)
        fprintf(stderr, "pwc-search: %s\n", e.msg);
    searcher_free(s);
    return rc;
}

int main(int argc, char **argv)
{
    struct cli c;
    struct config cfg;
    struct err e = {0, ""};
    const char *cfg_path;
    cJSON *reply = NULL;
    int status = 2, tty;

    memset(&c, 0, sizeof(c));
    if (parse_args(&c, argc, argv) < 0)
        goto out;
    config_defaults(&cfg);
    cfg_path = c.config ? c.config : config_default_path();
    if (cfg_path && config_load(cfg_path, &cfg, &e) < 0) {
        fprintf(stderr, "pwc-search: %s\n", e.msg);
        goto out;
    }
    tty = !c.json && isatty(STDOUT_FILENO);
    /* The same marks as searchd's, so both replies read alike; the text
     * renderer turns them into brackets or bold. */
    c.req.hl_start = "<b>";
    c.req.hl_end = "</b>";
    if (c.server) {
        if (remote_search(c.server, &c.req, &reply, &e) < 0) {
            fprintf(stderr, "pwc-search: %s\n", e.msg);
            goto out;
        }
    } else if (local_search(&c, &cfg, &reply) < 0) {
        goto out;
    }
    status = render_matched(reply) ? 0 : 1;
    if (c.json) {
        render_json(stdout, reply);
    } else {
        const cJSON *w;
        cJSON_ArrayForEach(w, cJSON_GetObjectItem(reply, "warnings"))
        {
            fprintf(stderr, "pwc-search: %s\n", w->valuestring);
        }
        render_text(stdout, reply, tty);
    }
out:
    /* Also on errors, so the sanitizer build sees no leak. */
    cJSON_Delete(reply);
    free(c.query);
    return status;
}
