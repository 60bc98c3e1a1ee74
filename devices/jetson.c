/* A Jetson, read from its files (under a root folder, so tests can use
 * fixtures): L4T release, device-tree model and module ids, total memory,
 * the nvpmodel power mode in force and the GPU's devfreq clocks. */
#include "devices/rl_device.h"
#include "devices/rl_sysfs.h"
#include "model/rl_llm.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* MemTotal and MemAvailable of /proc/meminfo (kB there; bytes here, 0 when
 * absent). */
static void read_meminfo(const char *root, rl_jetson_raw *raw)
{
    char path[1024], line[256];
    rl_sysfs_path(root, "/proc/meminfo", path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "MemTotal:", 9) == 0)
            raw->mem_bytes = strtoull(line + 9, NULL, 10) * 1024ull;
        else if (strncmp(line, "MemAvailable:", 13) == 0)
            raw->mem_available_bytes = strtoull(line + 13, NULL, 10) * 1024ull;
    }
    fclose(f);
}

/* "< POWER_MODEL ID=2 NAME=15W >" lines of nvpmodel.conf: the name of id,
 * and whether the conf is a JetPack 6.2 Super one (it names MAXN_SUPER). */
static void read_conf(const char *root, rl_jetson_raw *raw)
{
    char path[1024], line[512];
    rl_sysfs_path(root, "/etc/nvpmodel.conf", path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    raw->conf_read = true;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || !strstr(line, "POWER_MODEL"))
            continue;
        const char *ids = strstr(line, "ID="), *nm = strstr(line, "NAME=");
        if (!ids || !nm)
            continue;
        nm += 5;
        const int len = (int)strcspn(nm, " \t>\r\n");
        if (len == 10 && strncmp(nm, "MAXN_SUPER", 10) == 0)
            raw->conf_super = true;
        if (raw->pmode_id >= 0 && atoi(ids + 3) == raw->pmode_id && !raw->pmode_name[0])
            snprintf(raw->pmode_name, sizeof raw->pmode_name, "%.*s", len, nm);
    }
    fclose(f);
}

rl_status rl_jetson_read(const char *root, rl_jetson_raw *raw, rl_err *err)
{
    memset(raw, 0, sizeof *raw);
    raw->pmode_id = -1;
    if (!rl_sysfs_read_text(root, "/etc/nv_tegra_release", raw->release, sizeof raw->release))
        return RL_OK; /* not a Jetson */
    raw->present = true;
    rl_sysfs_read_text(root, "/proc/device-tree/model", raw->model, sizeof raw->model);
    rl_sysfs_read_text(root, "/proc/device-tree/compatible", raw->compatible, sizeof raw->compatible);
    read_meminfo(root, raw);
    double min_free_kb;
    if (rl_sysfs_read_number(root, "/proc/sys/vm/min_free_kbytes", &min_free_kb) &&
        min_free_kb > 0)
        raw->min_free_bytes = (uint64_t)min_free_kb * 1024ull;

    char status[128];
    if (rl_sysfs_read_text(root, "/var/lib/nvpmodel/status", status, sizeof status)) {
        const char *p = strstr(status, "pmode:");
        if (p) {
            char *end;
            long id = strtol(p + 6, &end, 10);
            if (end != p + 6 && id >= 0 && id < 1000)
                raw->pmode_id = (int)id;
        }
    }
    read_conf(root, raw);

    raw->tpc_pg_mask = -1;
    static const char *const mask_files[] = {"/sys/devices/gpu.0/tpc_pg_mask",
                                             "/sys/devices/platform/gpu.0/tpc_pg_mask"};
    for (size_t i = 0; i < sizeof mask_files / sizeof mask_files[0]; i++) {
        char text[32], *end;
        if (!rl_sysfs_read_text(root, mask_files[i], text, sizeof text))
            continue;
        const long mask = strtol(text, &end, 0);
        if (end != text && mask >= 0 && mask < 65536)
            raw->tpc_pg_mask = (int)mask;
        break;
    }

    static const char *const gpu_dirs[] = {
        "/sys/devices/platform/bus@0/17000000.gpu/devfreq/17000000.gpu",
        "/sys/devices/platform/17000000.ga10b/devfreq/17000000.ga10b",
        "/sys/devices/17000000.ga10b/devfreq/17000000.ga10b",
        "/sys/devices/platform/17000000.gpu/devfreq_dev",
    };
    for (size_t i = 0; i < sizeof gpu_dirs / sizeof gpu_dirs[0]; i++) {
        char rel[256], text[64];
        snprintf(rel, sizeof rel, "%s/cur_freq", gpu_dirs[i]);
        if (!rl_sysfs_read_text(root, rel, text, sizeof text))
            continue;
        raw->gpu_cur_mhz = strtod(text, NULL) / 1e6;
        snprintf(rel, sizeof rel, "%s/max_freq", gpu_dirs[i]);
        if (rl_sysfs_read_text(root, rel, text, sizeof text))
            raw->gpu_max_mhz = strtod(text, NULL) / 1e6;
        snprintf(rel, sizeof rel, "%s/min_freq", gpu_dirs[i]);
        if (rl_sysfs_read_text(root, rel, text, sizeof text))
            raw->gpu_min_mhz = strtod(text, NULL) / 1e6;
        snprintf(raw->gpu_freq_dir, sizeof raw->gpu_freq_dir, "%s", gpu_dirs[i]);
        break;
    }
    (void)err;
    return RL_OK;
}

uint64_t rl_jetson_available_bytes(const rl_jetson_raw *raw, char *source, size_t len)
{
    if (raw->mem_available_bytes == 0) {
        snprintf(source, len, "no MemAvailable in /proc/meminfo");
        return 0;
    }
    /* The kernel keeps min_free_kbytes free for its own allocations; on a
     * Jetson cudaMalloc takes pinned pages it can neither reclaim nor swap,
     * so a plan that ate into that reserve would end in the OOM killer. */
    const uint64_t keep = raw->min_free_bytes;
    const uint64_t avail = raw->mem_available_bytes > keep ? raw->mem_available_bytes - keep : 0;
    if (keep)
        snprintf(source, len,
                 "/proc/meminfo MemAvailable %.3g GB - kernel reserve vm.min_free_kbytes %.3g "
                 "GB (CPU and GPU share it)",
                 raw->mem_available_bytes / 1e9, keep / 1e9);
    else
        snprintf(source, len,
                 "/proc/meminfo MemAvailable %.3g GB (vm.min_free_kbytes unreadable: no kernel "
                 "reserve taken off; CPU and GPU share it)",
                 raw->mem_available_bytes / 1e9);
    return avail;
}

/* Plans on a Jetson: what is available now, not the catalog's OS share. */
static void plan_on_available(const rl_jetson_raw *raw, rl_device_profile *out)
{
    out->available_bytes =
        rl_jetson_available_bytes(raw, out->available_source, sizeof out->available_source);
    if (out->available_bytes == 0 || out->memory_bytes == 0)
        return;
    const uint64_t gone =
        out->memory_bytes > out->available_bytes ? out->memory_bytes - out->available_bytes : 0;
    out->reserve_bytes = RL_LLM_RUNTIME_RESERVE_BYTES + gone;
}

/* SMs left on by a TPC power-gating mask (a set bit gates a TPC off; 2 SMs
 * per TPC on GA10B), counting the entry's TPCs only; -1 when unknown. */
static int sms_from_mask(const rl_catalog_entry *e, int mask)
{
    const int tpcs = (int)e->sms.value / 2;
    if (mask < 0 || tpcs <= 0 || tpcs > 16)
        return -1;
    int on = 0;
    for (int t = 0; t < tpcs; t++)
        on += !(mask & (1 << t));
    return 2 * on;
}

static bool same_name(const char *catalog_name, const char *read_name)
{
    const char *bare = strncmp(catalog_name, "MODE_", 5) == 0 ? catalog_name + 5 : catalog_name;
    return strcasecmp(catalog_name, read_name) == 0 || strcasecmp(bare, read_name) == 0;
}

/* The catalog mode named as the conf names the mode in force; where both
 * confs have one of that name, the one of the same conf, then the one
 * whose cap equals the devfreq max_freq. Without a name (no conf), by id,
 * the devfreq clock deciding between the two confs. */
static const rl_power_mode *match_mode(const rl_catalog_entry *e, const rl_jetson_raw *raw)
{
    const rl_power_mode *best = NULL;
    int best_score = -1;
    for (int i = 0; i < e->mode_count; i++) {
        const rl_power_mode *m = &e->modes[i];
        if (raw->pmode_name[0] ? !same_name(m->name, raw->pmode_name) : m->id != raw->pmode_id)
            continue;
        int score = 0;
        if (raw->conf_read && m->super_conf == raw->conf_super)
            score += 2;
        if (raw->gpu_max_mhz > 0 && fabs(raw->gpu_max_mhz - m->gpu_max_mhz) <= 1.0)
            score += 1;
        if (score > best_score) {
            best = m;
            best_score = score;
        }
    }
    return best;
}

/* The mode whose peaks the profile gets: the catalog's, corrected by what
 * the board says (devfreq max_freq, TPC mask), or, for a mode the catalog
 * does not know, built from those readings. */
static rl_status choose_mode(const rl_catalog_entry *e, const rl_jetson_raw *raw,
                             rl_device_profile *out, rl_power_mode *mode, rl_err *err)
{
    const int mask_sms = sms_from_mask(e, raw->tpc_pg_mask);
    const rl_power_mode *known =
        raw->pmode_name[0] || raw->pmode_id >= 0 ? match_mode(e, raw) : NULL;
    if (known) {
        *mode = *known;
        snprintf(out->clock_source, sizeof out->clock_source, "mode %s%s cap", known->name,
                 known->super_conf ? " (Super conf)" : "");
    } else if (raw->gpu_max_mhz > 0 && (raw->pmode_name[0] || raw->pmode_id >= 0)) {
        /* a mode the catalog does not know: what the board reads is all there is */
        memset(mode, 0, sizeof *mode);
        snprintf(mode->name, sizeof mode->name, "%.*s", (int)sizeof mode->name - 1,
                 raw->pmode_name[0] ? raw->pmode_name : "unknown");
        mode->id = raw->pmode_id;
        mode->gpu_max_mhz = raw->gpu_max_mhz;
        mode->sms = mask_sms > 0 ? mask_sms : (int)e->sms.value;
        snprintf(out->clock_source, sizeof out->clock_source,
                 "GPU devfreq max_freq read (mode not in the catalog)");
        rl_profile_warn(out,
                        "nvpmodel mode %d (%s) is not in the catalog: peaks from the clock read, "
                        "%.0f MHz, and %d SMs (%s); bandwidth at the nameplate %.1f GB/s",
                        raw->pmode_id, raw->pmode_name[0] ? raw->pmode_name : "unnamed",
                        raw->gpu_max_mhz, mode->sms,
                        mask_sms > 0 ? "TPC mask" : "all of them: no TPC mask read",
                        e->bandwidth_byte_per_s.value / 1e9);
        return RL_OK;
    } else {
        const rl_power_mode *def = NULL;
        RL_TRY(rl_catalog_find_mode(e, NULL, &def, err));
        *mode = *def;
        snprintf(out->clock_source, sizeof out->clock_source, "default mode %s cap", def->name);
        if (raw->pmode_id >= 0 || raw->pmode_name[0])
            rl_profile_warn(out,
                            "nvpmodel mode %d (%s) is not in the catalog and no GPU clock was "
                            "read; assuming %s",
                            raw->pmode_id, raw->pmode_name[0] ? raw->pmode_name : "unnamed",
                            def->name);
        else
            rl_profile_warn(out, "nvpmodel mode unknown (no /var/lib/nvpmodel/status); "
                                 "assuming the default mode %s",
                            def->name);
    }
    if (raw->gpu_max_mhz > 0 && fabs(raw->gpu_max_mhz - mode->gpu_max_mhz) > 1.0) {
        rl_profile_warn(out,
                        "GPU devfreq max_freq is %.0f MHz but mode %s caps it at %.0f MHz: "
                        "peaks use the clock read",
                        raw->gpu_max_mhz, mode->name, mode->gpu_max_mhz);
        snprintf(out->clock_source, sizeof out->clock_source,
                 "GPU devfreq max_freq read (mode %s's cap is %.0f MHz)", mode->name,
                 mode->gpu_max_mhz);
        mode->gpu_max_mhz = raw->gpu_max_mhz;
    }
    if (mask_sms > 0 && mask_sms != mode->sms) {
        rl_profile_warn(out,
                        "the TPC mask %d leaves %d SMs on but mode %s has %d: peaks use the mask",
                        raw->tpc_pg_mask, mask_sms, mode->name, mode->sms);
        mode->sms = mask_sms;
    }
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
        plan_on_available(raw, out);
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
    plan_on_available(raw, out);

    rl_power_mode mode;
    RL_TRY(choose_mode(e, raw, out, &mode, err));
    snprintf(out->power_mode, sizeof out->power_mode, "%s", mode.name);
    out->sms = mode.sms;
    out->sm_clock_mhz = mode.gpu_max_mhz;
    RL_TRY(rl_catalog_machine(e, &mode, &out->machine, out->peak_source, err));
    out->theoretical_byte_per_s = out->machine.mem[0].byte_per_s;
    if (mode.emc_max_mhz > 0)
        snprintf(out->bandwidth_source, sizeof out->bandwidth_source,
                 "derived: 2 x EMC cap %g MHz x %g bit / 8 (mode %s)", mode.emc_max_mhz,
                 e->bus_width_bits.value, mode.name);
    else
        snprintf(out->bandwidth_source, sizeof out->bandwidth_source, "%s",
                 e->bandwidth_byte_per_s.source);

    if (raw->gpu_cur_mhz > 0 && raw->gpu_cur_mhz < mode.gpu_max_mhz - 1.0)
        rl_profile_warn(out,
                        "GPU clock is %.0f MHz now, below mode %s's max of %.0f MHz (run "
                        "'sudo jetson_clocks' to pin it before measuring)",
                        raw->gpu_cur_mhz, mode.name, mode.gpu_max_mhz);
    if (!raw->gpu_freq_dir[0])
        rl_profile_warn(out, "GPU devfreq clocks not found; clock checks skipped");
    return RL_OK;
}
