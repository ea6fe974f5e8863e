/*
 * Finding a crawl's files and joining its links and READMEs: repository
 * keys, both layouts' file names, links grouped by crawl id and by arXiv
 * id and merged per repository, README files joined by repository, and
 * the damaged entries that are skipped with a warning.
 */
/* cmocka.h relies on these being included first. */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include "codeindex.h"
#include "crawl.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* A fresh crawl directory per test. */
struct fixture {
    char dir[64];
    char warnings[8][256];
    size_t n_warnings;
};

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));

    if (!fx)
        return -1;
    snprintf(fx->dir, sizeof(fx->dir), "/tmp/test_codeindex.XXXXXX");
    if (!mkdtemp(fx->dir)) {
        free(fx);
        return -1;
    }
    *state = fx;
    return 0;
}

/* Removes dir and what it holds, one level of subdirectories deep. */
static void remove_dir(const char *dir, int depth)
{
    struct dirent *de;
    struct stat st;
    char path[512];
    DIR *d = opendir(dir);

    if (!d)
        return;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        if (depth > 0 && lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            remove_dir(path, depth - 1);
        else
            unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static int teardown(void **state)
{
    struct fixture *fx = *state;

    remove_dir(fx->dir, 1);
    free(fx);
    return 0;
}

/* Writes text to dir/name (gzip when the name ends in .gz). */
static void put(const struct fixture *fx, const char *name, const char *text)
{
    size_t n = strlen(text);
    char path[512];
    gzFile g;
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
    if (strlen(name) > 3 && strcmp(name + strlen(name) - 3, ".gz") == 0) {
        g = gzopen(path, "wb");
        assert_non_null(g);
        if (n > 0)
            assert_int_equal(gzwrite(g, text, (unsigned)n), (int)n);
        assert_int_equal(gzclose(g), Z_OK);
        return;
    }
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static void put_dir(const struct fixture *fx, const char *name)
{
    char path[512];

    snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
    assert_int_equal(mkdir(path, 0700), 0);
}

static void collect_warning(void *ctx, const char *msg)
{
    struct fixture *fx = ctx;

    if (fx->n_warnings < 8)
        snprintf(fx->warnings[fx->n_warnings], sizeof(fx->warnings[0]), "%s",
                 msg);
    fx->n_warnings++;
}

/* Discovers the fixture's crawl and loads its join tables. */
static struct code_index *load(struct fixture *fx, struct code_stats *st)
{
    struct crawl_files cf;
    struct code_index *ci = NULL;
    struct err e;

    err_clear(&e);
    assert_int_equal(crawl_discover(fx->dir, &cf, &e), 0);
    assert_int_equal(code_index_load(&cf, collect_warning, fx, &ci, st, &e), 0);
    assert_non_null(ci);
    crawl_files_fini(&cf);
    return ci;
}

static void repo_key_should_normalise_urls(void **state)
{
    static const struct {
        const char *url;
        const char *key;
    } cases[] = {
        {"https://github.com/facebookresearch/fairseq",
         "github.com/facebookresearch/fairseq"},
        {"https://github.com/FacebookResearch/FairSeq",
         "github.com/facebookresearch/fairseq"},
        {"http://github.com/a/b", "github.com/a/b"},
        {"https://www.github.com/a/b", "github.com/a/b"},
        {"https://github.com/a/b/", "github.com/a/b"},
        {"https://github.com/a/b.git", "github.com/a/b"},
        {"https://github.com/a/b.git/", "github.com/a/b"},
        {"  https://github.com/a/b  ", "github.com/a/b"},
        {"https://github.com/a/b/tree/master/src", "github.com/a/b"},
        {"https://github.com/a//b", "github.com/a/b"},
        {"https://github.com/a/b?tab=readme#x", "github.com/a/b"},
        {"git@github.com:a/b.git", "github.com/a/b"},
        {"git://github.com/a/b", "github.com/a/b"},
        {"github.com/a/b", "github.com/a/b"},
        {"https://gitlab.com/Group/Sub/Proj", "gitlab.com/group/sub/proj"},
        {"https://huggingface.co/spaces/x/y", "huggingface.co/spaces/x/y"},
    };
    char key[128];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(repo_key(cases[i].url, key, sizeof(key)), 0);
        assert_string_equal(key, cases[i].key);
    }
}

static void repo_key_should_refuse_a_small_buffer(void **state)
{
    char key[8];

    (void)state;
    assert_int_equal(repo_key("https://github.com/a/b", key, sizeof(key)),
                     ERR_USAGE);
    assert_int_equal(repo_key("https://github.com/a/b", key, 0), ERR_USAGE);
}

static void crawl_discover_should_find_our_layout(void **state)
{
    static const char *const parts[] = {
        "papers-10.jsonl.gz", "papers-2.jsonl.gz", "papers-01.jsonl.gz"};
    struct fixture *fx = *state;
    struct crawl_files cf;
    char want[512];
    struct err e;
    size_t i;

    for (i = 0; i < 3; i++)
        put(fx, parts[i], "");
    put(fx, "links.jsonl.gz", "");
    put(fx, "papers.txt", "");
    put(fx, "notes-papers.jsonl.gz", "");
    put_dir(fx, "papers-dir.jsonl");
    put_dir(fx, "readmes");
    put(fx, "readmes/index.jsonl", "");
    err_clear(&e);
    assert_int_equal(crawl_discover(fx->dir, &cf, &e), 0);
    assert_int_equal(cf.n_papers, 3);
    snprintf(want, sizeof(want), "%s/papers-01.jsonl.gz", fx->dir);
    assert_string_equal(cf.papers[0], want);
    snprintf(want, sizeof(want), "%s/papers-2.jsonl.gz", fx->dir);
    assert_string_equal(cf.papers[1], want);
    snprintf(want, sizeof(want), "%s/papers-10.jsonl.gz", fx->dir);
    assert_string_equal(cf.papers[2], want);
    snprintf(want, sizeof(want), "%s/links.jsonl.gz", fx->dir);
    assert_string_equal(cf.links, want);
    snprintf(want, sizeof(want), "%s/readmes/index.jsonl", fx->dir);
    assert_string_equal(cf.readme_index, want);
    snprintf(want, sizeof(want), "%s/readmes", fx->dir);
    assert_string_equal(cf.readme_dir, want);
    crawl_files_fini(&cf);
    assert_null(cf.papers);
}

static void crawl_discover_should_find_the_pwc_dump(void **state)
{
    struct fixture *fx = *state;
    struct crawl_files cf;
    char want[512];
    struct err e;

    put(fx, "papers-with-abstracts.json.gz", "[]");
    put(fx, "links-between-papers-and-code.json", "[]");
    err_clear(&e);
    assert_int_equal(crawl_discover(fx->dir, &cf, &e), 0);
    assert_int_equal(cf.n_papers, 1);
    snprintf(want, sizeof(want), "%s/papers-with-abstracts.json.gz", fx->dir);
    assert_string_equal(cf.papers[0], want);
    snprintf(want, sizeof(want), "%s/links-between-papers-and-code.json",
             fx->dir);
    assert_string_equal(cf.links, want);
    assert_null(cf.readme_index);
    assert_null(cf.readme_dir);
    crawl_files_fini(&cf);
}

static void crawl_discover_should_fail_without_papers(void **state)
{
    struct fixture *fx = *state;
    struct crawl_files cf;
    char missing[512];
    struct err e;

    put(fx, "links.jsonl.gz", "");
    err_clear(&e);
    assert_int_equal(crawl_discover(fx->dir, &cf, &e), ERR_NOTFOUND);
    assert_non_null(strstr(e.msg, fx->dir));
    assert_null(cf.links);

    snprintf(missing, sizeof(missing), "%s/nowhere", fx->dir);
    err_clear(&e);
    assert_int_equal(crawl_discover(missing, &cf, &e), ERR_NOTFOUND);
    assert_non_null(strstr(e.msg, missing));
}

static const char our_links[] =
    "{\"paper_id\": \"p1\", \"repo_url\": \"https://github.com/a/one\", "
    "\"is_official\": null, \"framework\": null, \"stars\": 5}\n"
    "{\"paper_id\": \"p1\", \"repo_url\": \"http://www.github.com/A/One.git\","
    " \"is_official\": true, \"framework\": \"pytorch\", \"stars\": 12}\n"
    "{\"paper_id\": \"p1\", \"repo_url\": \"https://github.com/a/one/\", "
    "\"is_official\": null, \"framework\": \"tf\", \"stars\": 7}\n"
    "{\"paper_id\": \"p1\", \"repo_url\": \"https://github.com/b/two\", "
    "\"is_official\": null, \"framework\": null, \"stars\": null}\n"
    "{\"paper_id\": \"p2\", \"repo_url\": \"https://github.com/b/two\", "
    "\"is_official\": true, \"framework\": null, \"stars\": null}\n";

static void code_index_should_group_and_merge_links(void **state)
{
    struct fixture *fx = *state;
    const struct impl *const *im;
    struct code_stats st;
    struct code_index *ci;
    size_t n;

    put(fx, "papers.jsonl.gz", "");
    put(fx, "links.jsonl.gz", our_links);
    ci = load(fx, &st);
    assert_int_equal(st.links, 5);
    assert_int_equal(st.links_skipped, 0);
    assert_int_equal(fx->n_warnings, 0);
    assert_int_equal(code_index_unmatched_links(ci), 5);

    im = code_index_impls(ci, "p1", NULL, &n);
    /* p1's four links found their paper; p2's has not yet. */
    assert_int_equal(code_index_unmatched_links(ci), 1);
    assert_int_equal(n, 2);
    /* Three spellings of a/one are one implementation. */
    assert_string_equal(im[0]->repo_url, "https://github.com/a/one");
    assert_int_equal(im[0]->official, TRI_YES);
    assert_string_equal(im[0]->framework, "pytorch");
    assert_int_equal(im[0]->stars, 12);
    assert_string_equal(im[1]->repo_url, "https://github.com/b/two");
    assert_int_equal(im[1]->official, TRI_UNKNOWN);
    assert_null(im[1]->framework);
    assert_int_equal(im[1]->stars, -1);

    im = code_index_impls(ci, "p2", "1706.03762", &n);
    assert_int_equal(n, 1);
    assert_int_equal(im[0]->official, TRI_YES);
    assert_int_equal(code_index_unmatched_links(ci), 0);

    im = code_index_impls(ci, "p3", NULL, &n);
    assert_int_equal(n, 0);
    assert_null(im);
    im = code_index_impls(ci, NULL, NULL, &n);
    assert_int_equal(n, 0);
    code_index_free(ci);
}

static void code_index_should_join_by_arxiv_id(void **state)
{
    static const char links[] =
        "[{\"paper_url\": \"https://paperswithcode.com/paper/bert\", "
        "\"paper_arxiv_id\": \"1810.04805\", \"repo_url\": "
        "\"https://github.com/google-research/bert\", \"is_official\": true,"
        " \"framework\": \"tf\"},\n"
        "{\"paper_url\": null, \"paper_arxiv_id\": \"1810.04805v2\", "
        "\"repo_url\": \"https://github.com/x/bert-pytorch\", "
        "\"is_official\": false, \"framework\": \"pytorch\"},\n"
        "{\"paper_url\": \"https://paperswithcode.com/paper/bert\", "
        "\"paper_arxiv_id\": null, \"repo_url\": "
        "\"https://github.com/y/bert-jax\", \"is_official\": false, "
        "\"framework\": \"jax\"}]";
    struct fixture *fx = *state;
    const struct impl *const *im, *const *again;
    struct code_index *ci;
    size_t n, m;

    put(fx, "papers-with-abstracts.json", "[]");
    put(fx, "links-between-papers-and-code.json.gz", links);
    ci = load(fx, NULL);

    /* By arXiv id alone, in any spelling. */
    im = code_index_impls(ci, NULL, "arXiv:1810.04805v1", &n);
    assert_int_equal(n, 2);
    assert_string_equal(im[0]->repo_url,
                        "https://github.com/google-research/bert");
    assert_string_equal(im[1]->repo_url, "https://github.com/x/bert-pytorch");
    assert_int_equal(im[1]->official, TRI_NO);

    /* By slug alone. */
    im = code_index_impls(ci, "bert", NULL, &n);
    assert_int_equal(n, 2);
    assert_string_equal(im[1]->repo_url, "https://github.com/y/bert-jax");

    /* Both: the union, each repository once, and the same array on a
     * second call. */
    im = code_index_impls(ci, "bert", "1810.04805", &n);
    assert_int_equal(n, 3);
    assert_string_equal(im[0]->repo_url,
                        "https://github.com/google-research/bert");
    assert_string_equal(im[1]->repo_url, "https://github.com/x/bert-pytorch");
    assert_string_equal(im[2]->repo_url, "https://github.com/y/bert-jax");
    again = code_index_impls(ci, "bert", "1810.04805", &m);
    assert_ptr_equal(again, im);
    assert_int_equal(m, 3);

    /* An unknown id does not hide the arXiv match. */
    im = code_index_impls(ci, "other", "1810.04805", &n);
    assert_int_equal(n, 2);
    code_index_free(ci);
}

static void code_index_should_skip_malformed_links(void **state)
{
    static const char links[] =
        "{\"paper_id\": \"p1\", \"repo_url\": \"https://github.com/a/one\"}\n"
        "{\"paper_id\": \"p1\", \"repo_url\": \n"
        "{\"paper_id\": \"p1\"}\n"
        "{\"paper_id\": \"p1\", \"repo_url\": \"https://\"}\n"
        "{\"paper_id\": \"p1\", \"repo_url\": \"https://github.com/b/two\", "
        "\"stars\": \"many\"}\n"
        "{\"paper_id\": \"p1\", \"repo_url\": \"https://github.com/c/three\"}"
        "\n";
    struct fixture *fx = *state;
    struct code_stats st;
    struct code_index *ci;
    char want[512];
    size_t n;

    put(fx, "papers.jsonl.gz", "");
    put(fx, "links.jsonl", links);
    ci = load(fx, &st);
    assert_int_equal(st.links, 2);
    assert_int_equal(st.links_skipped, 4);
    assert_int_equal(fx->n_warnings, 4);
    snprintf(want, sizeof(want), "%s/links.jsonl:2: invalid JSON", fx->dir);
    assert_memory_equal(fx->warnings[0], want, strlen(want));
    snprintf(want, sizeof(want), "%s/links.jsonl:3: field 'repo_url'", fx->dir);
    assert_memory_equal(fx->warnings[1], want, strlen(want));
    snprintf(want, sizeof(want), "%s/links.jsonl:4: field 'repo_url'", fx->dir);
    assert_memory_equal(fx->warnings[2], want, strlen(want));
    snprintf(want, sizeof(want), "%s/links.jsonl:5: field 'stars'", fx->dir);
    assert_memory_equal(fx->warnings[3], want, strlen(want));
    code_index_impls(ci, "p1", NULL, &n);
    assert_int_equal(n, 2);
    code_index_free(ci);
}

static void code_index_should_fail_on_a_truncated_links_file(void **state)
{
    struct fixture *fx = *state;
    struct code_index *ci = NULL;
    struct crawl_files cf;
    struct code_stats st;
    char path[512], *text;
    size_t i, off = 0, cap = 400 * 1000;
    struct stat sb;
    struct err e;

    text = malloc(cap);
    assert_non_null(text);
    /* Enough varied records that half the compressed file is data. */
    for (i = 0; i < 4000; i++)
        off += (size_t)snprintf(text + off, cap - off,
                                "{\"paper_id\": \"p%zu\", \"repo_url\": "
                                "\"https://github.com/o%zu/r%zu\"}\n",
                                i, i * 7919 % 1000, i);
    put(fx, "papers.jsonl.gz", "");
    put(fx, "links.jsonl.gz", text);
    free(text);
    snprintf(path, sizeof(path), "%s/links.jsonl.gz", fx->dir);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(truncate(path, sb.st_size / 2), 0);
    err_clear(&e);
    assert_int_equal(crawl_discover(fx->dir, &cf, &e), 0);
    assert_true(code_index_load(&cf, NULL, NULL, &ci, &st, &e) < 0);
    assert_null(ci);
    assert_non_null(strstr(e.msg, path));
    assert_true(st.links > 0);
    crawl_files_fini(&cf);
}

static const char readme_index[] =
    "{\"repo_url\": \"https://github.com/a/one\", \"file\": \"a__one.md\", "
    "\"linked\": true, \"stars\": 3}\n"
    "{\"repo_url\": \"https://github.com/z/lonely\", \"file\": "
    "\"z__lonely.md\", \"linked\": false}\n"
    "{\"repo_url\": \"https://github.com/m/missing\", \"file\": "
    "\"m__missing.md\", \"linked\": true}\n"
    "{\"repo_url\": \"https://github.com/e/evil\", \"file\": "
    "\"../../etc/passwd\", \"linked\": false}\n"
    "{\"repo_url\": \"https://github.com/b/two\", \"file\": 7}\n"
    "{\"repo_url\": \"https://github.com/A/One\", \"file\": \"a__one.md\"}\n"
    "{\"repo_url\": \"https://github.com/b/two\", \"file\": \"b__two.md\", "
    "\"linked\": false}\n";

static void put_readmes(struct fixture *fx)
{
    put_dir(fx, "readmes");
    put(fx, "readmes/index.jsonl", readme_index);
    put(fx, "readmes/a__one.md",
        "# One\n\nFast **transformers** for everyone.\n\n```\nsecret_code()"
        "\n```\n");
    put(fx, "readmes/z__lonely.md", "Lonely graph networks.\n");
    put(fx, "readmes/b__two.md", "Two \xff towers.\n");
}

static void code_index_should_join_readmes(void **state)
{
    struct fixture *fx = *state;
    const struct readme *rd;
    struct code_stats st;
    struct code_index *ci;
    size_t i;

    put(fx, "papers.jsonl.gz", "");
    put(fx, "links.jsonl.gz", our_links);
    put_readmes(fx);
    ci = load(fx, &st);
    assert_int_equal(st.readmes, 3);
    assert_int_equal(st.readmes_skipped, 4);
    assert_int_equal(fx->n_warnings, 4);
    assert_non_null(strstr(fx->warnings[0], "index.jsonl:3: "));
    assert_non_null(strstr(fx->warnings[0], "m__missing.md"));
    assert_non_null(strstr(fx->warnings[1], "index.jsonl:4: field 'file'"));
    assert_non_null(strstr(fx->warnings[2], "index.jsonl:5: field 'file'"));
    assert_non_null(strstr(fx->warnings[3], "index.jsonl:6: "));

    assert_int_equal(code_index_readme_count(ci), 3);
    rd = code_index_readme(ci, "http://www.GitHub.com/a/one.git/");
    assert_non_null(rd);
    assert_string_equal(rd->repo_url, "https://github.com/a/one");
    assert_non_null(strstr(rd->text, "transformers"));
    assert_null(strstr(rd->text, "secret_code"));
    assert_int_equal(rd->len, strlen(rd->text));
    assert_int_equal(rd->linked, 1);

    /* With links loaded, they decide what is linked, not the index. */
    rd = code_index_readme(ci, "https://github.com/b/two");
    assert_non_null(rd);
    assert_int_equal(rd->linked, 1);
    assert_non_null(strstr(rd->text, "\xef\xbf\xbd"));
    rd = code_index_readme(ci, "https://github.com/z/lonely");
    assert_non_null(rd);
    assert_int_equal(rd->linked, 0);

    assert_null(code_index_readme(ci, "https://github.com/m/missing"));
    assert_null(code_index_readme(ci, "https://github.com/nobody/none"));
    for (i = 0; i < code_index_readme_count(ci); i++)
        assert_non_null(code_index_readme_at(ci, i));
    assert_null(code_index_readme_at(ci, 3));
    code_index_free(ci);
}

static void
code_index_should_take_linked_from_the_index_without_links(void **state)
{
    struct fixture *fx = *state;
    struct code_stats st;
    struct code_index *ci;
    size_t n;

    put(fx, "papers.jsonl.gz", "");
    put_readmes(fx);
    ci = load(fx, &st);
    assert_int_equal(st.links, 0);
    assert_int_equal(st.readmes, 3);
    assert_int_equal(code_index_readme(ci, "https://github.com/a/one")->linked,
                     1);
    assert_int_equal(code_index_readme(ci, "https://github.com/b/two")->linked,
                     0);
    assert_null(code_index_impls(ci, "p1", NULL, &n));
    assert_int_equal(n, 0);
    code_index_free(ci);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(repo_key_should_normalise_urls),
        cmocka_unit_test(repo_key_should_refuse_a_small_buffer),
        cmocka_unit_test_setup_teardown(crawl_discover_should_find_our_layout,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(crawl_discover_should_find_the_pwc_dump,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            crawl_discover_should_fail_without_papers, setup, teardown),
        cmocka_unit_test_setup_teardown(code_index_should_group_and_merge_links,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(code_index_should_join_by_arxiv_id,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(code_index_should_skip_malformed_links,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            code_index_should_fail_on_a_truncated_links_file, setup, teardown),
        cmocka_unit_test_setup_teardown(code_index_should_join_readmes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            code_index_should_take_linked_from_the_index_without_links, setup,
            teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
