/*
 * Document data as stored: a zstd frame in the value slot XS_DATA_SLOT.
 * Glass keeps Xapian's own document data deflated with zlib: fetching the
 * ten records of a result page, mostly inflating them, was nearly half of
 * Xapian's time for the page; from zstd frames of the same size the fetch
 * takes half as long. A value slot rather than the document data because
 * glass deflates every document data tag it writes, at the build and
 * again at compaction, while value streams are stored as they are: a zstd
 * frame there is written once and never recompressed.
 *
 * Each thread keeps one compression and one decompression context: making
 * them costs far more than packing a record of a few kilobytes.
 */
#include "xs_internal.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <zstd.h>

/* On the crawl's paper records level 1 comes within 2% of level 3's size
 * in three quarters of its time, and the build packs every record once. */
#define PACK_LEVEL 1
/* No record we write comes near this; a frame claiming more is damaged. */
#define UNPACK_MAX (64u << 20)

namespace {

struct cctx_free {
    void operator()(ZSTD_CCtx *c) const { ZSTD_freeCCtx(c); }
};
struct dctx_free {
    void operator()(ZSTD_DCtx *d) const { ZSTD_freeDCtx(d); }
};

ZSTD_CCtx *thread_cctx()
{
    static thread_local std::unique_ptr<ZSTD_CCtx, cctx_free> c(
        ZSTD_createCCtx());
    return c.get();
}

ZSTD_DCtx *thread_dctx()
{
    static thread_local std::unique_ptr<ZSTD_DCtx, dctx_free> d(
        ZSTD_createDCtx());
    return d.get();
}

} // namespace

std::string xs_data_pack(const char *data, size_t len)
{
    if (!data || len == 0)
        return std::string(); /* Xapian stores no data for "" */
    ZSTD_CCtx *c = thread_cctx();
    if (!c)
        throw std::bad_alloc();
    std::string out(ZSTD_compressBound(len), '\0');
    size_t n = ZSTD_compressCCtx(c, &out[0], out.size(), data, len,
                                 PACK_LEVEL);
    if (ZSTD_isError(n))
        throw Xapian::InternalError(std::string("packing document data: ") +
                                    ZSTD_getErrorName(n));
    out.resize(n);
    return out;
}

int xs_data_unpack(const std::string &packed, uint32_t docid, char **out,
                   size_t *len, struct err *e)
{
    char msg[160];
    unsigned long long size;

    if (packed.empty())
        return xs_copy_out(packed, out, len, e);
    size = ZSTD_getFrameContentSize(packed.data(), packed.size());
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN ||
        size > UNPACK_MAX) {
        snprintf(msg, sizeof(msg),
                 "document %u: stored data is not a zstd frame this "
                 "program wrote",
                 (unsigned)docid);
        return xs_err(e, ERR_FORMAT, msg);
    }
    ZSTD_DCtx *d = thread_dctx();
    char *p = static_cast<char *>(malloc((size_t)size + 1));
    if (!d || !p) {
        free(p);
        return xs_err(e, ERR_NOMEM, "out of memory");
    }
    size_t n = ZSTD_decompressDCtx(d, p, (size_t)size, packed.data(),
                                   packed.size());
    if (ZSTD_isError(n) || n != size) {
        snprintf(msg, sizeof(msg), "document %u: stored data is damaged: %s",
                 (unsigned)docid,
                 ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short frame");
        free(p);
        return xs_err(e, ERR_FORMAT, msg);
    }
    p[n] = '\0';
    *out = p;
    if (len)
        *len = n;
    return 0;
}
