/* rooflab devices: what was found here, what it matched in the catalog, and
 * the roofs a prediction would use. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "devices/rl_catalog.h"
#include "devices/rl_device.h"
#include "harness/cli.h"
#include "harness/rl_catalog_show.h"
#include "harness/rl_cli_util.h"

static const char usage[] =
    "usage: rooflab devices [--json] [--root PATH]\n"
    "       rooflab devices ID[@MODE] [--power-mode M] [--json]\n"
    "\n"
    "Detects the devices here (a Jetson from its files, CUDA GPUs through the runtime,\n"
    "the CPU through hwloc), matches each against the catalog, and prints the dense\n"
    "peaks and bandwidth with their sources. Then lists the catalog.\n"
    "With a catalog ID (h100-sxm5, orin-nx-16gb, ...): that entry in full, every peak\n"
    "dense and sparse side by side, every power mode, every source as a citation.\n"
    "  --power-mode  with ID, Jetson only: the mode whose peaks are shown (default:\n"
    "                the default mode)\n"
    "  --json   one JSON object on stdout\n"
    "  --root   read the Jetson files under PATH instead of / (CPU and CUDA are only\n"
    "           read on the live system)\n"
    "Units: SI (GB = 1e9 B, TFLOP/s = 1e12 FLOP/s).\n";

static void print_profile(const rl_device_profile *p)
{
    printf("%s: %s (%s)\n", p->id, p->name, rl_device_kind_name(p->kind));
    if (p->matched)
        printf("  catalog      %s (%s)\n", p->entry.id, p->entry.name);
    else if (p->kind != RL_DEVICE_CPU)
        printf("  catalog      no match\n");
    if (p->power_mode[0])
        printf("  power mode   %s\n", p->power_mode);
    if (p->kind == RL_DEVICE_CPU) {
        printf("  cores        %d (%d threads), %s\n", p->cpu.cores, p->cpu.pus, p->cpu.arch);
        printf("  clock        %.0f MHz (%s)\n", p->cpu_peak.clock_mhz, p->cpu_peak.clock_source);
        printf("  FMA unit     %s = %d fp32 FLOP/cycle/core (estimate: %s)\n", p->cpu_peak.unit,
               p->cpu_peak.fp32_flop_per_cycle, p->cpu_peak.assumptions);
    } else {
        if (p->sms)
            printf("  SMs          %d @ %.0f MHz%s%s%s\n", p->sms, p->sm_clock_mhz,
                   p->clock_source[0] ? " (" : "", p->clock_source, p->clock_source[0] ? ")" : "");
        if (p->compute_capability[0])
            printf("  compute cap  %s\n", p->compute_capability);
        if (p->bus_width_bits)
            printf("  memory bus   %d bit\n", p->bus_width_bits);
        if (p->mem_clock_mhz > 0)
            printf("  memory clock %.0f MHz -> 2 x clock x bus / 8 = %.1f GB/s\n",
                   p->mem_clock_mhz, p->theoretical_byte_per_s / 1e9);
        if (p->l2_bytes)
            printf("  L2           %.1f MiB\n", (double)p->l2_bytes / (1 << 20));
    }
    printf("  memory       %.2f GB (plans reserve %.2f GB)\n", (double)p->memory_bytes / 1e9,
           (double)p->reserve_bytes / 1e9);
    if (p->available_source[0])
        printf("  available    %.2f GB now [%s]\n", (double)p->available_bytes / 1e9,
               p->available_source);
    if (p->machine.mem[0].byte_per_s > 0)
        printf("  bandwidth    %s: %.1f GB/s [%s]\n", p->machine.mem[0].name,
               p->machine.mem[0].byte_per_s / 1e9, p->bandwidth_source);
    else
        printf("  bandwidth    %s: %s\n", p->machine.mem[0].name, p->bandwidth_source);
    const char *simt = p->machine.simt_name[0] ? p->machine.simt_name : "simt";
    for (int q = 0; q < RL_PREC_COUNT; q++) {
        if (p->machine.tensor_flop_per_s[q] > 0)
            printf("  %-5s tensor %9.2f TFLOP/s dense [%s]\n", rl_precision_name((rl_precision)q),
                   p->machine.tensor_flop_per_s[q] / 1e12, p->machine.tensor_source[q]);
        if (p->machine.simt_flop_per_s[q] > 0)
            printf("  %-5s %-6s %9.2f TFLOP/s dense [%s]\n", rl_precision_name((rl_precision)q),
                   simt, p->machine.simt_flop_per_s[q] / 1e12, p->machine.simt_source[q]);
    }
    if (p->machine.mufu_op_per_s > 0)
        printf("  exp   mufu   %9.2f T/s [%s]\n", p->machine.mufu_op_per_s / 1e12,
               p->machine.mufu_source);
    if (p->warnings[0])
        printf("  warnings     %s\n", p->warnings);
}

int rl_cli_devices(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"root", required_argument, NULL, 'r'},
        {"power-mode", required_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool json = false;
    const char *root = "/", *mode = NULL;
    bool root_given = false;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 'j': json = true; break;
        case 'r': root = optarg, root_given = true; break;
        case 'P': mode = optarg; break;
        case 'h': fputs(usage, stdout); return 0;
        case ':':
            fprintf(stderr, "rooflab devices: %s needs a value\n", argv[optind - 1]);
            return 2;
        default:
            fprintf(stderr, "rooflab devices: unknown option '%s' (see rooflab devices --help)\n",
                    argv[optind - 1]);
            return 2;
        }
    }
    if (optind + 1 < argc) {
        fprintf(stderr, "rooflab devices: unexpected argument '%s'\n", argv[optind + 1]);
        return 2;
    }
    const char *id = optind < argc ? argv[optind] : NULL;
    if (!id && mode) {
        fprintf(stderr, "rooflab devices: --power-mode needs a catalog ID (rooflab devices ID "
                        "--power-mode M)\n");
        return 2;
    }
    if (id && root_given) {
        fprintf(stderr, "rooflab devices: --root reads this machine's files; a catalog ID needs "
                        "none\n");
        return 2;
    }
    rl_err err;
    rl_catalog cat;
    if (rl_catalog_load(&cat, &err) != RL_OK)
        return rl_cli_fail("devices", err.msg);
    if (id) {
        const rl_catalog_entry *e;
        char bare[128];
        const char *mode_name;
        rl_status st = rl_catalog_device_arg(id, mode, bare, sizeof bare, &mode_name, &err);
        if (st == RL_OK)
            st = rl_catalog_get(&cat, bare, &e, &err);
        if (st == RL_OK)
            st = rl_catalog_show(stdout, e, mode_name, json, &err);
        rl_catalog_free(&cat);
        return st == RL_OK ? 0 : rl_cli_fail("devices", err.msg);
    }
    rl_detection d;
    if (rl_devices_detect(&cat, root, &d, &err) != RL_OK) {
        rl_catalog_free(&cat);
        return rl_cli_fail("devices", err.msg);
    }
    int rc = 0;
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON *arr = cJSON_AddArrayToObject(o, "devices");
        for (int i = 0; i < d.count; i++)
            cJSON_AddItemToArray(arr, (cJSON *)rl_device_profile_to_cjson(&d.devices[i]));
        if (d.gpu_note[0])
            cJSON_AddStringToObject(o, "gpu_note", d.gpu_note);
        cJSON *ids = cJSON_AddArrayToObject(o, "catalog");
        for (int i = 0; i < cat.count; i++)
            cJSON_AddItemToArray(ids, cJSON_CreateString(cat.entries[i].id));
        char *text = cJSON_Print(o);
        cJSON_Delete(o);
        if (text) {
            puts(text);
            free(text);
        } else {
            rc = rl_cli_fail("devices", "out of memory writing JSON");
        }
    } else {
        printf("Units: SI (GB = 1e9 B, TFLOP/s = 1e12 FLOP/s); peaks are dense.\n\n");
        for (int i = 0; i < d.count; i++) {
            print_profile(&d.devices[i]);
            printf("\n");
        }
        if (d.gpu_note[0])
            printf("%s\n\n", d.gpu_note);
        printf("catalog (%d entries, rooflab predict --device ID):\n", cat.count);
        for (int i = 0; i < cat.count; i++) {
            const rl_catalog_entry *e = &cat.entries[i];
            printf("  %-16s %s, %.0f GB %s, %.0f GB/s", e->id, e->name,
                   e->capacity_bytes.value / 1e9, e->memory_type,
                   e->bandwidth_byte_per_s.value / 1e9);
            if (e->mode_count) {
                printf(", modes:");
                for (int m = 0; m < e->mode_count; m++)
                    printf(" %s%s", e->modes[m].name, e->modes[m].is_default ? "*" : "");
            }
            printf("\n");
        }
    }
    rl_detection_free(&d);
    rl_catalog_free(&cat);
    return rc;
}
