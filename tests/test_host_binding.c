/* A GPU's place on the node: its PCI slot's NUMA node from sysfs, and the
 * host thread bound to the cores of that node with hwloc. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "devices/rl_device.h"

static void write_node(const char *root, const char *id, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "mkdir -p '%s/sys/bus/pci/devices/%s'", root, id);
    assert_int_equal(system(path), 0);
    snprintf(path, sizeof path, "%s/sys/bus/pci/devices/%s/numa_node", root, id);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void numa_node_comes_from_sysfs(void **state)
{
    (void)state;
    char root[] = "/tmp/rl_numa_XXXXXX";
    assert_non_null(mkdtemp(root));
    write_node(root, "0000:3b:00.0", "1\n");
    write_node(root, "0000:86:00.0", "-1\n"); /* the platform does not say */
    write_node(root, "0000:af:00.0", "lots\n");
    assert_int_equal(rl_pci_numa_node(root, "0000:3b:00.0"), 1);
    assert_int_equal(rl_pci_numa_node(root, "0000:86:00.0"), -1);
    assert_int_equal(rl_pci_numa_node(root, "0000:af:00.0"), -1);
    assert_int_equal(rl_pci_numa_node(root, "0000:00:00.0"), -1);
    /* an id is one path component of hex digits, ':' and '.' */
    assert_int_equal(rl_pci_numa_node(root, "../../3b"), -1);
    assert_int_equal(rl_pci_numa_node(root, ""), -1);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

static void binds_to_a_numa_node_when_the_slot_is_unknown(void **state)
{
    (void)state;
    cpu_set_t before;
    assert_int_equal(sched_getaffinity(0, sizeof before, &before), 0);
    rl_host_binding b;
    /* no such PCI device here; NUMA node 0 exists on every Linux machine */
    rl_host_bind_near_pci("ffff:ff:1f.7", 0, &b);
    assert_true(b.attempted);
    assert_true(b.pinned);
    assert_int_equal(b.numa_node, 0);
    assert_true(b.cpuset[0] != '\0');
    assert_non_null(strstr(b.note, "NUMA node"));
    cpu_set_t after;
    assert_int_equal(sched_getaffinity(0, sizeof after, &after), 0);
    assert_true(CPU_COUNT(&after) >= 1);
    assert_true(CPU_COUNT(&after) <= CPU_COUNT(&before));
    assert_int_equal(sched_setaffinity(0, sizeof before, &before), 0);
}

static void says_so_when_nothing_is_known(void **state)
{
    (void)state;
    rl_host_binding b;
    rl_host_bind_near_pci("", -1, &b);
    assert_true(b.attempted);
    assert_false(b.pinned);
    assert_non_null(strstr(b.note, "not pinned"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numa_node_comes_from_sysfs),
        cmocka_unit_test(binds_to_a_numa_node_when_the_slot_is_unknown),
        cmocka_unit_test(says_so_when_nothing_is_known),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
