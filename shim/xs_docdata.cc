/*
 * Document data as stored in the value slot XS_DATA_SLOT: the record's
 * length (4 bytes, little-endian) and an LZ4 block.
 *
 * Glass keeps Xapian's own document data deflated with zlib: fetching the
 * ten records of a result page, mostly inflating them, was nearly half of
 * Xapian's time for the page. The crawl's paper records (1.5 KB on
 * average) unpack from LZ4 in 0.5 us, from zstd in 3.2 us (zstd builds
 * its entropy tables anew for each small frame) and from zlib slower
 * still; LZ4 keeps 75% of their size, zstd 54%. A value slot rather than
 * the document data because glass deflates every document data tag it
 * writes, at the build and again at compaction, while value streams are
 * stored as they are.
 */
#include "xs_internal.h"

#include <cstdlib>
#include <cstring>
#include <lz4.h>

/* No record we write comes near this; a header claiming more is damaged. */
#define UNPACK_MAX (64u << 20)
#define HEADER_LEN 4

std::string xs_data_pack(const char *data, size_t len)
{
    if (!data || len == 0)
        return std::string(); /* Xapian stores no value for "" */
    if (len > UNPACK_MAX)
        throw Xapian::InvalidArgumentError("document data over 64 MiB");
    std::string out(HEADER_LEN + LZ4_compressBound((int)len), '\0');
    for (int i = 0; i < HEADER_LEN; i++)
        out[i] = (char)((len >> (8 * i)) & 0xff);
    int n = LZ4_compress_default(data, &out[HEADER_LEN], (int)len,
                                 (int)(out.size() - HEADER_LEN));
    if (n <= 0)
        throw Xapian::InternalError("packing document data failed");
    out.resize(HEADER_LEN + (size_t)n);
    return out;
}

int xs_data_unpack(const std::string &packed, uint32_t docid, char **out,
                   size_t *len, struct err *e)
{
    char msg[160];
    size_t size = 0;
    char *p;
    int n;

    if (packed.empty())
        return xs_copy_out(packed, out, len, e);
    if (packed.size() > HEADER_LEN)
        for (int i = 0; i < HEADER_LEN; i++)
            size |= (size_t)(unsigned char)packed[i] << (8 * i);
    if (size == 0 || size > UNPACK_MAX) {
        snprintf(msg, sizeof(msg),
                 "document %u: stored data has no valid length header",
                 (unsigned)docid);
        return xs_err(e, ERR_FORMAT, msg);
    }
    p = static_cast<char *>(malloc(size + 1));
    if (!p)
        return xs_err(e, ERR_NOMEM, "out of memory");
    n = LZ4_decompress_safe(packed.data() + HEADER_LEN, p,
                            (int)(packed.size() - HEADER_LEN), (int)size);
    if (n < 0 || (size_t)n != size) {
        snprintf(msg, sizeof(msg),
                 "document %u: stored data is damaged (%s)", (unsigned)docid,
                 n < 0 ? "not an LZ4 block" : "shorter than its header says");
        free(p);
        return xs_err(e, ERR_FORMAT, msg);
    }
    p[n] = '\0';
    *out = p;
    if (len)
        *len = (size_t)n;
    return 0;
}
