/* Small files under a root folder (see rl_sysfs.h). */
#include "devices/rl_sysfs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rl_sysfs_path(const char *root, const char *rel, char *out, size_t len)
{
    if (!root || !*root || strcmp(root, "/") == 0)
        snprintf(out, len, "%s", rel);
    else
        snprintf(out, len, "%s%s%s", root, root[strlen(root) - 1] == '/' ? "" : "/",
                 rel[0] == '/' ? rel + 1 : rel);
}

bool rl_sysfs_read_text(const char *root, const char *rel, char *buf, size_t len)
{
    char path[1024];
    rl_sysfs_path(root, rel, path, sizeof path);
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

bool rl_sysfs_read_number(const char *root, const char *rel, double *value)
{
    char text[64], *end;
    if (!rl_sysfs_read_text(root, rel, text, sizeof text))
        return false;
    const double v = strtod(text, &end);
    if (end == text)
        return false;
    *value = v;
    return true;
}
