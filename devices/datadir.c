/* Where the data files live (the device catalog and the model configs):
 * $ROOFLAB_DATA_DIR, then the source tree the binary was built from, then
 * folders next to the executable. A folder counts when it holds
 * devices/catalog/. */
#include "devices/rl_catalog.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool has_catalog(const char *dir)
{
    char probe[PATH_MAX];
    struct stat st;
    if (snprintf(probe, sizeof probe, "%s/devices/catalog", dir) >= (int)sizeof probe)
        return false;
    return stat(probe, &st) == 0 && S_ISDIR(st.st_mode);
}

static rl_status take(const char *dir, char *out, size_t len, rl_err *err)
{
    if (snprintf(out, len, "%s", dir) >= (int)len)
        return rl_fail(err, RL_ERR_INVALID, "data folder path too long: %s", dir);
    return RL_OK;
}

rl_status rl_data_dir(char *out, size_t len, rl_err *err)
{
    const char *env = getenv("ROOFLAB_DATA_DIR");
    if (env && *env) {
        if (!has_catalog(env))
            return rl_fail(err, RL_ERR_IO, "ROOFLAB_DATA_DIR=%s has no devices/catalog folder",
                           env);
        return take(env, out, len, err);
    }
#ifdef ROOFLAB_SOURCE_DIR
    if (has_catalog(ROOFLAB_SOURCE_DIR))
        return take(ROOFLAB_SOURCE_DIR, out, len, err);
#endif
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0; /* exe is now the executable's folder */
            static const char *const rel[] = {"/../share/rooflab", "/.."};
            for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
                char cand[PATH_MAX + 32];
                if (snprintf(cand, sizeof cand, "%s%s", exe, rel[i]) < (int)sizeof cand &&
                    has_catalog(cand))
                    return take(cand, out, len, err);
            }
        }
    }
    return rl_fail(err, RL_ERR_IO,
                   "cannot find rooflab's data (devices/catalog): set ROOFLAB_DATA_DIR to the "
                   "source tree or to <prefix>/share/rooflab");
}

rl_status rl_data_path(const char *relative, char *out, size_t len, rl_err *err)
{
    char dir[PATH_MAX];
    RL_TRY(rl_data_dir(dir, sizeof dir, err));
    if (snprintf(out, len, "%s/%s", dir, relative) >= (int)len)
        return rl_fail(err, RL_ERR_INVALID, "data path too long: %s/%s", dir, relative);
    return RL_OK;
}

static bool looks_like_path(const char *s)
{
    size_t n = strlen(s);
    return strchr(s, '/') != NULL || (n > 5 && strcmp(s + n - 5, ".json") == 0);
}

rl_status rl_model_config_path(const char *name_or_path, char *out, size_t len, rl_err *err)
{
    if (!name_or_path || !*name_or_path)
        return rl_fail(err, RL_ERR_INVALID, "--model needs a name or a path to a config.json");
    if (looks_like_path(name_or_path)) {
        if (snprintf(out, len, "%s", name_or_path) >= (int)len)
            return rl_fail(err, RL_ERR_INVALID, "model path too long");
        return RL_OK;
    }
    char dir[PATH_MAX];
    RL_TRY(rl_data_path("model/configs", dir, sizeof dir, err));
    if (strlen(name_or_path) < 100) {
        if (snprintf(out, len, "%s/%s.json", dir, name_or_path) >= (int)len)
            return rl_fail(err, RL_ERR_INVALID, "model path too long");
        struct stat st;
        if (stat(out, &st) == 0 && S_ISREG(st.st_mode))
            return RL_OK;
    }
    /* Unknown name: list what is shipped. */
    char known[400] = "";
    size_t used = 0;
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL && used < sizeof known) {
            size_t n = strlen(de->d_name);
            if (n > 5 && strcmp(de->d_name + n - 5, ".json") == 0)
                used += (size_t)snprintf(known + used, sizeof known - used, "%s%.*s",
                                         used ? ", " : "", (int)(n - 5), de->d_name);
        }
        closedir(d);
    }
    return rl_fail(err, RL_ERR_INVALID,
                   "unknown model '%s' (shipped: %s; or give a path to a config.json)",
                   name_or_path, known);
}
