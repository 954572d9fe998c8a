/* Runs fuzz_gradient.c's target over files or directories of inputs, without libFuzzer:
 * lets any compiler (gcc, with or without sanitizers, or under valgrind) replay the
 * committed corpus and any crash file. Usage: fuzz_replay PATH... */
#define _POSIX_C_SOURCE 200809L /* dirent, stat */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static long runs;

#ifdef FUZZ_STATS
#include "numgrad.h"
static long statuses[64], computed;
void fuzz_stats_status(int32_t status, int did_compute);
void fuzz_stats_status(int32_t status, int did_compute) {
    if (status >= 0 && status < 64)
        ++statuses[status];
    computed += status == NG_OK && did_compute;
}
#endif

static int run_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    uint8_t *data = NULL;
    size_t size = 0, cap = 0, got;
    uint8_t chunk[4096];
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (size + got > cap) {
            cap = (size + got) * 2;
            data = realloc(data, cap);
        }
        memcpy(data + size, chunk, got);
        size += got;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(data ? data : (const uint8_t *)"", size);
    free(data);
    ++runs;
    return 0;
}

static int run_path(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode))
        return run_file(path);
    DIR *dir = opendir(path);
    if (!dir) {
        perror(path);
        return 1;
    }
    int failed = 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char child[4096];
        snprintf(child, sizeof child, "%s/%s", path, e->d_name);
        failed |= run_path(child);
    }
    closedir(dir);
    return failed;
}

int main(int argc, char **argv) {
    int failed = 0;
    for (int i = 1; i < argc; ++i)
        failed |= run_path(argv[i]);
    printf("fuzz_replay: %ld inputs ran, every invariant held\n", runs);
#ifdef FUZZ_STATS
    for (int s = 0; s < 64 && strcmp(ng_status_string(s), "unknown status") != 0; ++s)
        printf("  %-24s %ld\n", ng_status_string(s), statuses[s]);
    printf("  successes that computed  %ld\n", computed);
#endif
    return failed || runs == 0;
}
