/*
 * What the fuzz targets share: libFuzzer's entry point, which replay.c
 * also calls, and a check that holds under NDEBUG, since a broken
 * property must stop the fuzzer even in a release build.
 */
#ifndef PWC_FUZZ_H
#define PWC_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,   \
                    #cond);                                                    \
            abort();                                                           \
        }                                                                      \
    } while (0)

#endif
