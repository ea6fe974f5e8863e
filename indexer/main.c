/*
 * pwc-index: builds or updates a search index from a crawl of papers,
 * links to code and README texts. Argument handling and reporting only;
 * the work is in build.c and update.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build.h"
#include "config.h"
#include "log.h"
#include "progress.h"

static void usage(FILE *f)
{
    fputs("usage: pwc-index build  [options] CRAWL [INDEX]\n"
          "       pwc-index update [options] CRAWL [INDEX]\n"
          "\n"
          "build   index the crawl into a new generation beside the live\n"
          "        one and switch to it atomically; readers never see a\n"
          "        half-built index\n"
          "update  apply a newer crawl to a copy of the live index and\n"
          "        publish it the same way: new papers added, changed ones\n"
          "        replaced, links and stars refreshed, papers missing from\n"
          "        the crawl kept; running it twice changes nothing. With\n"
          "        no index yet, it builds one\n"
          "\n"
          "CRAWL is a directory with papers*.jsonl.gz, links.jsonl.gz and\n"
          "readmes/, or a Papers With Code dump (papers-with-abstracts.json\n"
          "and links-between-papers-and-code.json, gzipped or not).\n"
          "INDEX defaults to the 'index' setting of the config.\n"
          "\n"
          "options:\n"
          "  -c, --config FILE   config file (default: $PWC_CONFIG or\n"
          "                      config/pwc-search.conf of the checkout)\n"
          "  -j, --threads N     indexing threads (default: config, or one\n"
          "                      per core)\n"
          "  -q, --quiet         no progress lines\n"
          "      --log-level L   debug, info, warn or error\n"
          "  -h, --help          this help\n"
          "\n"
          "exit status: 0 done, 1 failed (the live index is untouched),\n"
          "2 usage error, 3 another writer holds the index\n",
          f);
}

static int load_config(const char *path, struct config *cfg)
{
    struct err e = {0, ""};

    config_defaults(cfg);
    if (!path)
        path = config_default_path();
    if (path && config_load(path, cfg, &e) < 0) {
        fprintf(stderr, "pwc-index: %s\n", e.msg);
        return -1;
    }
    return 0;
}

/* Says what is wrong with the command and its operands, if anything. */
static int check_args(int n, char **args)
{
    if (n == 0)
        fputs("pwc-index: a command is needed: build or update", stderr);
    else if (strcmp(args[0], "build") != 0 && strcmp(args[0], "update") != 0)
        fprintf(stderr, "pwc-index: unknown command '%s': expected build or "
                        "update", args[0]);
    else if (n < 2)
        fputs("pwc-index: the crawl directory is missing", stderr);
    else if (n > 3)
        fprintf(stderr, "pwc-index: too many operands: '%s' after INDEX",
                args[3]);
    else
        return 0;
    fputs(" (see --help)\n", stderr);
    return -1;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"threads", required_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},
        {"log-level", required_argument, NULL, 'L'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *config_path = NULL, *level = NULL;
    struct build_opts o = {0};
    struct build_report rep;
    struct config cfg;
    struct err e = {0, ""};
    double t0;
    int c, rc, update;

    while ((c = getopt_long(argc, argv, "c:j:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            config_path = optarg;
            break;
        case 'j':
            o.threads = atoi(optarg);
            if (o.threads < 1 || o.threads > 16) {
                fprintf(stderr, "pwc-index: --threads: expected 1 to 16, "
                                "got '%s'\n", optarg);
                return 2;
            }
            break;
        case 'q':
            o.quiet = 1;
            break;
        case 'L':
            level = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            fputs("pwc-index: see --help for the options\n", stderr);
            return 2;
        }
    }
    if (check_args(argc - optind, argv + optind) < 0)
        return 2;
    if (load_config(config_path, &cfg) < 0)
        return 2;
    if (level && log_level_parse(level) < 0) {
        fprintf(stderr, "pwc-index: --log-level: unknown level '%s'\n",
                level);
        return 2;
    }
    log_init("pwc-index",
             (enum log_level)log_level_parse(level ? level : cfg.log_level));
    update = strcmp(argv[optind], "update") == 0;
    o.crawl = argv[optind + 1];
    o.index = argc - optind == 3 ? argv[optind + 2] : cfg.index;
    o.cfg = &cfg;

    t0 = now_seconds();
    log_info(update ? "update_start" : "build_start", "crawl=%s index=%s",
             o.crawl, o.index);
    rc = update ? index_update(&o, &rep, &e) : index_build(&o, &rep, &e);
    if (update && rc == ERR_NOTFOUND && strstr(e.msg, "no index built")) {
        log_info("update_as_build", "reason=\"no index yet\" index=%s",
                 o.index);
        err_clear(&e);
        rc = index_build(&o, &rep, &e);
    }
    if (rc < 0) {
        log_error(update ? "update_failed" : "build_failed",
                  "index=%s error=\"%s\"", o.index, e.msg);
        fprintf(stderr, "pwc-index: %s\n", e.msg);
        return rc == ERR_LOCKED ? 3 : 1;
    }
    build_report_print(&rep, now_seconds() - t0);
    log_info(update ? "update_done" : "build_done",
             "index=%s generation=%u papers=%zu seconds=%.2f", o.index,
             rep.generation, rep.counts.papers, now_seconds() - t0);
    return 0;
}
