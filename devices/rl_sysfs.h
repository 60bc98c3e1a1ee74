/* rooflab devices: reading small files (sysfs, procfs, /etc) under a root
 * folder, so tests can point detection at fixtures instead of the live
 * system. */
#ifndef RL_SYSFS_H
#define RL_SYSFS_H

#include <stdbool.h>
#include <stddef.h>

/* <root>/<rel>; a root of "", "/" or NULL is the live system. */
void rl_sysfs_path(const char *root, const char *rel, char *out, size_t len);

/* Up to len-1 bytes; NULs (device-tree string lists) become spaces and
 * trailing whitespace is cut. False when the file cannot be read. */
bool rl_sysfs_read_text(const char *root, const char *rel, char *buf, size_t len);

/* The first number in the file (strtod); false when absent or not a number. */
bool rl_sysfs_read_number(const char *root, const char *rel, double *value);

#endif
