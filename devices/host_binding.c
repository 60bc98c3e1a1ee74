/* Where a GPU sits: its PCI slot's NUMA node, and binding the host thread
 * that drives it to the cores of that node (hwloc). */
#include "devices/rl_device.h"

#include <hwloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rl_pci_numa_node(const char *root, const char *bus_id)
{
    /* The id becomes one path component: nothing but hex, ':' and '.'. */
    if (!bus_id || !*bus_id || strspn(bus_id, "0123456789abcdefABCDEF:.") != strlen(bus_id))
        return -1;
    char path[512];
    snprintf(path, sizeof path, "%s/sys/bus/pci/devices/%s/numa_node",
             strcmp(root, "/") == 0 ? "" : root, bus_id);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int node = -1;
    if (fscanf(f, "%d", &node) != 1 || node < 0 || node > 4095)
        node = -1;
    fclose(f);
    return node;
}

void rl_host_bind_near_pci(const char *bus_id, int numa_node, rl_host_binding *out)
{
    memset(out, 0, sizeof *out);
    out->attempted = true;
    out->numa_node = numa_node;
    hwloc_topology_t topo;
    if (hwloc_topology_init(&topo) != 0) {
        snprintf(out->note, sizeof out->note, "hwloc could not start: not pinned");
        return;
    }
    /* PCI devices are left out of hwloc's topology unless asked for. */
    hwloc_topology_set_io_types_filter(topo, HWLOC_TYPE_FILTER_KEEP_IMPORTANT);
    if (hwloc_topology_load(topo) != 0) {
        hwloc_topology_destroy(topo);
        snprintf(out->note, sizeof out->note, "hwloc could not read the topology: not pinned");
        return;
    }
    hwloc_const_cpuset_t set = NULL;
    const char *what = "";
    hwloc_obj_t pci = bus_id && *bus_id ? hwloc_get_pcidev_by_busidstring(topo, bus_id) : NULL;
    hwloc_obj_t near = pci ? hwloc_get_non_io_ancestor_obj(topo, pci) : NULL;
    if (near && near->cpuset && !hwloc_bitmap_iszero(near->cpuset)) {
        set = near->cpuset;
        what = "the cores nearest its PCI slot";
        /* one NUMA node under that ancestor: that is the GPU's */
        if (near->nodeset && hwloc_bitmap_weight(near->nodeset) == 1 && out->numa_node < 0)
            out->numa_node = hwloc_bitmap_first(near->nodeset);
    } else if (numa_node >= 0) {
        hwloc_obj_t node = hwloc_get_numanode_obj_by_os_index(topo, (unsigned)numa_node);
        if (node && node->cpuset && !hwloc_bitmap_iszero(node->cpuset)) {
            set = node->cpuset;
            what = "the cores of its NUMA node";
        }
    }
    if (!set) {
        snprintf(out->note, sizeof out->note,
                 "neither its PCI slot nor its NUMA node is known to hwloc: not pinned");
        hwloc_topology_destroy(topo);
        return;
    }
    char *list = NULL;
    if (hwloc_bitmap_list_asprintf(&list, set) >= 0 && list) {
        snprintf(out->cpuset, sizeof out->cpuset, "%s", list);
        free(list);
    }
    if (hwloc_set_cpubind(topo, set, HWLOC_CPUBIND_THREAD) == 0) {
        out->pinned = true;
        snprintf(out->note, sizeof out->note, "host thread bound to %s (CPUs %.100s)", what,
                 out->cpuset);
    } else {
        snprintf(out->note, sizeof out->note, "hwloc_set_cpubind to %s (CPUs %.80s) failed: not "
                                              "pinned", what, out->cpuset);
    }
    hwloc_topology_destroy(topo);
}
