/* A Jetson, read from its files (under a root folder, so tests can use
 * fixtures): L4T release, device-tree model and module ids, total memory,
 * the nvpmodel power mode in force and the GPU's devfreq clocks. */
#include "devices/rl_device.h"
#include "model/rl_llm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void join(const char *root, const char *rel, char *out, size_t len)
{
    if (!root || !*root || strcmp(root, "/") == 0)
        snprintf(out, len, "%s", rel);
    else
        snprintf(out, len, "%s%s%s", root, root[strlen(root) - 1] == '/' ? "" : "/",
                 rel[0] == '/' ? rel + 1 : rel);
}

/* Read up to len-1 bytes; NULs (device-tree string lists) become spaces and
 * trailing whitespace is cut. */
static bool read_text(const char *root, const char *rel, char *buf, size_t len)
{
    char path[1024];
    join(root, rel, path, sizeof path);
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    size_t n = fread(buf, 1, len - 1, f);
    fclose(f);
    for (size_t i = 0; i < n; i++)
        if (buf[i] == 0)
            buf[i] = ' ';
    while (n > 0 && (buf[n - 1] == ' ' || buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        n--;
    buf[n] = 0;
    return true;
}

static uint64_t read_memtotal(const char *root)
{
    char path[1024], line[256];
    join(root, "/proc/meminfo", path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    uint64_t bytes = 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "MemTotal:", 9) == 0) {
            bytes = strtoull(line + 9, NULL, 10) * 1024ull; /* kB */
            break;
        }
    fclose(f);
    return bytes;
}

/* "< POWER_MODEL ID=2 NAME=15W >" lines of nvpmodel.conf: the name of id. */
static void mode_name_from_conf(const char *root, int id, char *name, size_t len)
{
    char path[1024], line[512];
    join(root, "/etc/nvpmodel.conf", path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || !strstr(line, "POWER_MODEL"))
            continue;
        const char *ids = strstr(line, "ID="), *nm = strstr(line, "NAME=");
        if (!ids || !nm || atoi(ids + 3) != id)
            continue;
        nm += 5;
        snprintf(name, len, "%.*s", (int)strcspn(nm, " \t>\r\n"), nm);
        break;
    }
    fclose(f);
}

rl_status rl_jetson_read(const char *root, rl_jetson_raw *raw, rl_err *err)
{
    memset(raw, 0, sizeof *raw);
    raw->pmode_id = -1;
    if (!read_text(root, "/etc/nv_tegra_release", raw->release, sizeof raw->release))
        return RL_OK; /* not a Jetson */
    raw->present = true;
    read_text(root, "/proc/device-tree/model", raw->model, sizeof raw->model);
    read_text(root, "/proc/device-tree/compatible", raw->compatible, sizeof raw->compatible);
    raw->mem_bytes = read_memtotal(root);

    char status[128];
    if (read_text(root, "/var/lib/nvpmodel/status", status, sizeof status)) {
        const char *p = strstr(status, "pmode:");
        if (p) {
            char *end;
            long id = strtol(p + 6, &end, 10);
            if (end != p + 6 && id >= 0 && id < 1000)
                raw->pmode_id = (int)id;
        }
    }
    if (raw->pmode_id >= 0)
        mode_name_from_conf(root, raw->pmode_id, raw->pmode_name, sizeof raw->pmode_name);

    static const char *const gpu_dirs[] = {
        "/sys/devices/platform/bus@0/17000000.gpu/devfreq/17000000.gpu",
        "/sys/devices/platform/17000000.ga10b/devfreq/17000000.ga10b",
        "/sys/devices/17000000.ga10b/devfreq/17000000.ga10b",
    };
    for (size_t i = 0; i < sizeof gpu_dirs / sizeof gpu_dirs[0]; i++) {
        char rel[256], text[64];
        snprintf(rel, sizeof rel, "%s/cur_freq", gpu_dirs[i]);
        if (!read_text(root, rel, text, sizeof text))
            continue;
        raw->gpu_cur_mhz = strtod(text, NULL) / 1e6;
        snprintf(rel, sizeof rel, "%s/max_freq", gpu_dirs[i]);
        if (read_text(root, rel, text, sizeof text))
            raw->gpu_max_mhz = strtod(text, NULL) / 1e6;
        snprintf(raw->gpu_freq_dir, sizeof raw->gpu_freq_dir, "%s", gpu_dirs[i]);
        break;
    }
    (void)err;
    return RL_OK;
}

rl_status rl_profile_from_jetson(const rl_catalog *cat, const rl_jetson_raw *raw,
                                 rl_device_profile *out, rl_err *err)
{
    memset(out, 0, sizeof *out);
    out->kind = RL_DEVICE_JETSON;
    snprintf(out->id, sizeof out->id, "jetson");
    snprintf(out->name, sizeof out->name, "%s", raw->model[0] ? raw->model : "unknown Jetson");
    out->memory_bytes = raw->mem_bytes;
    out->reserve_bytes = RL_LLM_RUNTIME_RESERVE_BYTES + RL_JETSON_OS_RESERVE_FALLBACK_BYTES;
    out->machine.mem_count = 1;
    snprintf(out->machine.mem[0].name, sizeof out->machine.mem[0].name, "LPDDR5");

    const rl_catalog_entry *e =
        rl_catalog_match_jetson(cat, raw->model, raw->compatible, raw->mem_bytes);
    if (!e) {
        rl_profile_warn(out,
                        "no catalog entry matches model '%s' (compatible '%s', %.1f GB): no "
                        "datasheet peaks",
                        raw->model, raw->compatible, (double)raw->mem_bytes / 1e9);
        return RL_OK;
    }
    out->matched = true;
    out->entry = *e;
    snprintf(out->compute_capability, sizeof out->compute_capability, "%s",
             e->compute_capability);
    out->memory_bytes = (uint64_t)e->capacity_bytes.value;
    out->reserve_bytes = RL_LLM_RUNTIME_RESERVE_BYTES + (uint64_t)e->os_reserve_bytes.value;
    out->bus_width_bits = (int)e->bus_width_bits.value;
    out->l2_bytes = (uint64_t)e->l2_bytes.value;

    const rl_power_mode *mode = NULL;
    if (raw->pmode_name[0])
        rl_catalog_find_mode(e, raw->pmode_name, &mode, NULL);
    if (!mode && raw->pmode_id >= 0)
        mode = rl_catalog_mode_by_id(e, raw->pmode_id);
    if (!mode) {
        RL_TRY(rl_catalog_find_mode(e, NULL, &mode, err));
        if (raw->pmode_id >= 0)
            rl_profile_warn(out, "nvpmodel mode %d (%s) is not in the catalog; assuming %s",
                            raw->pmode_id, raw->pmode_name[0] ? raw->pmode_name : "unnamed",
                            mode->name);
        else
            rl_profile_warn(out, "nvpmodel mode unknown (no /var/lib/nvpmodel/status); "
                                 "assuming the default mode %s",
                            mode->name);
    }
    snprintf(out->power_mode, sizeof out->power_mode, "%s", mode->name);
    out->sms = mode->sms;
    out->sm_clock_mhz = mode->gpu_max_mhz;
    RL_TRY(rl_catalog_machine(e, mode, &out->machine, out->peak_source, err));
    out->theoretical_byte_per_s = out->machine.mem[0].byte_per_s;
    if (mode->emc_max_mhz > 0)
        snprintf(out->bandwidth_source, sizeof out->bandwidth_source,
                 "derived: 2 x EMC cap %g MHz x %g bit / 8 (mode %s)", mode->emc_max_mhz,
                 e->bus_width_bits.value, mode->name);
    else
        snprintf(out->bandwidth_source, sizeof out->bandwidth_source, "%s",
                 e->bandwidth_byte_per_s.source);

    if (raw->gpu_max_mhz > 0 && raw->gpu_max_mhz < mode->gpu_max_mhz - 1.0)
        rl_profile_warn(out,
                        "GPU devfreq max_freq is %.0f MHz, below mode %s's cap of %.0f MHz: "
                        "peaks assume the cap",
                        raw->gpu_max_mhz, mode->name, mode->gpu_max_mhz);
    if (raw->gpu_cur_mhz > 0 && raw->gpu_cur_mhz < mode->gpu_max_mhz - 1.0)
        rl_profile_warn(out,
                        "GPU clock is %.0f MHz now, below mode %s's max of %.0f MHz (run "
                        "'sudo jetson_clocks' to pin it before measuring)",
                        raw->gpu_cur_mhz, mode->name, mode->gpu_max_mhz);
    if (!raw->gpu_freq_dir[0])
        rl_profile_warn(out, "GPU devfreq clocks not found; clock checks skipped");
    return RL_OK;
}
