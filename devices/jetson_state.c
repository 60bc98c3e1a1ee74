/* A Jetson's state where the board keeps it (no NVML there): the GPU's
 * devfreq clocks, the EMC clock, the INA3221 power monitors, the thermal
 * zones and the nvpmodel mode, all read under a root folder so tests can
 * use fixtures. */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devices/rl_device.h"
#include "devices/rl_device_state.h"
#include "devices/rl_sysfs.h"

/* The EMC (DRAM) clock in Hz: BPMP's debugfs (root only), then the older
 * clock debugfs. */
static double emc_mhz(const char *root)
{
    static const char *const files[] = {"/sys/kernel/debug/bpmp/debug/clk/emc/rate",
                                        "/sys/kernel/debug/clk/emc/clk_rate"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        double hz;
        if (rl_sysfs_read_number(root, files[i], &hz) && hz > 0)
            return hz / 1e6;
    }
    return -1.0;
}

/* Every labelled channel of every INA3221 hwmon: inN_label names the rail,
 * inN_input is its bus voltage (mV) and currN_input its current (mA), as
 * the hwmon sysfs ABI defines them. */
static void read_rails(const char *root, rl_device_state *out)
{
    char pattern[1024];
    rl_sysfs_path(root, "/sys/bus/i2c/drivers/ina3221/*/hwmon/hwmon*/in*_label", pattern,
                  sizeof pattern);
    glob_t g;
    if (glob(pattern, 0, NULL, &g) != 0)
        return;
    out->rail_count = 0;
    for (size_t i = 0; i < g.gl_pathc && out->rail_count < RL_STATE_MAX_RAILS; i++) {
        const char *label_path = g.gl_pathv[i];
        const char *base = strrchr(label_path, '/');
        if (!base || strncmp(base + 1, "in", 2) != 0)
            continue;
        const int channel = atoi(base + 3);
        const size_t dir_len = (size_t)(base - label_path);
        char name[32], file[1100];
        /* absolute paths from here on: the root is already in them */
        if (!rl_sysfs_read_text(NULL, label_path, name, sizeof name) || !name[0])
            continue;
        double mv, ma;
        snprintf(file, sizeof file, "%.*s/in%d_input", (int)dir_len, label_path, channel);
        if (!rl_sysfs_read_number(NULL, file, &mv))
            continue;
        snprintf(file, sizeof file, "%.*s/curr%d_input", (int)dir_len, label_path, channel);
        if (!rl_sysfs_read_number(NULL, file, &ma))
            continue;
        rl_power_rail *r = &out->rails[out->rail_count++];
        snprintf(r->name, sizeof r->name, "%s", name);
        r->voltage_v = mv / 1e3;
        r->current_a = ma / 1e3;
        r->power_w = r->voltage_v * r->current_a;
        if (strcmp(name, "VDD_IN") == 0)
            out->power_draw_w = r->power_w;
    }
    globfree(&g);
}

/* thermal_zoneN/type and temp (millidegrees C); a zone reading below
 * -100 C is a sensor that is off. */
static void read_zones(const char *root, rl_device_state *out)
{
    char pattern[1024];
    rl_sysfs_path(root, "/sys/class/thermal/thermal_zone*/type", pattern, sizeof pattern);
    glob_t g;
    if (glob(pattern, 0, NULL, &g) != 0)
        return;
    out->zone_count = 0;
    for (size_t i = 0; i < g.gl_pathc && out->zone_count < RL_STATE_MAX_ZONES; i++) {
        const char *type_path = g.gl_pathv[i];
        const size_t dir_len = strlen(type_path) - strlen("/type");
        char name[32], file[1100];
        double milli;
        snprintf(file, sizeof file, "%.*s/temp", (int)dir_len, type_path);
        if (!rl_sysfs_read_text(NULL, type_path, name, sizeof name) ||
            !rl_sysfs_read_number(NULL, file, &milli) || milli < -100000.0)
            continue;
        rl_thermal_zone *z = &out->zones[out->zone_count++];
        snprintf(z->name, sizeof z->name, "%s", name);
        z->temperature_c = milli / 1e3;
        if (strcmp(name, "gpu-thermal") == 0)
            out->temperature_c = z->temperature_c;
    }
    globfree(&g);
}

bool rl_jetson_state_read(const char *root, rl_device_state *out)
{
    rl_jetson_raw raw;
    rl_err err;
    if (rl_jetson_read(root, &raw, &err) != RL_OK || !raw.present)
        return false;
    if (raw.gpu_cur_mhz > 0)
        out->sm_clock_mhz = raw.gpu_cur_mhz;
    if (raw.gpu_max_mhz > 0)
        out->sm_clock_max_mhz = raw.gpu_max_mhz;
    if (raw.gpu_min_mhz > 0)
        out->sm_clock_min_mhz = raw.gpu_min_mhz;
    /* jetson_clocks sets the devfreq floor to the ceiling */
    if (raw.gpu_min_mhz > 0 && raw.gpu_max_mhz > 0)
        out->clocks_pinned = raw.gpu_min_mhz >= raw.gpu_max_mhz - 0.5;
    if (raw.pmode_name[0])
        snprintf(out->power_mode, sizeof out->power_mode, "%s", raw.pmode_name);
    else if (raw.pmode_id >= 0)
        snprintf(out->power_mode, sizeof out->power_mode, "id %d", raw.pmode_id);
    const double emc = emc_mhz(root);
    if (emc > 0)
        out->mem_clock_mhz = emc;
    read_rails(root, out);
    read_zones(root, out);
    return true;
}
