/* rooflab report: the measured ceilings of one host and device, kept in the
 * user's cache folder so that `rooflab run` reuses them. */
#ifndef RL_CEILINGS_FILE_H
#define RL_CEILINGS_FILE_H

#include <stddef.h>

#include "report/rl_results.h"

#define RL_MAX_SWEEP 96

/* One point of the working-set sweep. */
typedef struct rl_sweep_point {
    double working_set_bytes;
    double byte_per_s;
} rl_sweep_point;

typedef struct rl_ceilings_record {
    char host[128];
    char device[32];
    char device_description[256];
    char date[32];
    rl_roof_set measured;
    int sweep_count;
    rl_sweep_point sweep[RL_MAX_SWEEP];
} rl_ceilings_record;

/* $XDG_CACHE_HOME/rooflab/ceilings/<host>-<device>.json (else ~/.cache/...). */
rl_status rl_ceilings_default_path(const char *host, const char *device, char *buf, size_t len,
                                   rl_err *err);
/* Write atomically, creating the folder. */
rl_status rl_ceilings_save(const char *path, const rl_ceilings_record *rec, rl_err *err);
rl_status rl_ceilings_load(const char *path, rl_ceilings_record *rec, rl_err *err);
/* The same from the file's text; every number checked plausible. */
rl_status rl_ceilings_parse(const char *text, size_t len, rl_ceilings_record *rec, rl_err *err);

#endif
