/* rooflab predict: the devices (ID[@MODE]) and the cases of one command,
 * predicted by the model; what no backend runs is refused per device and
 * precision unless asked for as hypothetical. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/rl_predict_cases.h"
#include "kernels/rl_support.h"

rl_status rl_predict_split_list(const char *list, const char *what, char (*names)[128],
                                size_t max, size_t *n, rl_err *err)
{
    const char *p = list;
    for (;;) {
        size_t len = strcspn(p, ",");
        if (len == 0)
            return rl_fail(err, RL_ERR_INVALID, "empty name in the %s list '%.60s'", what, list);
        if (*n == max)
            return rl_fail(err, RL_ERR_INVALID, "at most %zu %ss", max, what);
        if (len >= 128)
            return rl_fail(err, RL_ERR_INVALID, "%s name too long: '%.40s...'", what, p);
        snprintf(names[*n], 128, "%.*s", (int)len, p);
        (*n)++;
        if (!p[len])
            return RL_OK;
        p += len + 1;
    }
}

rl_status rl_predict_resolve(const char *const *device_args, size_t nargs, const char *power_mode,
                             const rl_catalog *cat, rl_predict_set *s, rl_err *err)
{
    /* room for more names than devices, so that too many are counted right */
    enum { ROOM = 4 * RL_PREDICT_MAX_DEVICES };
    char names[ROOM][128];
    size_t count = 0;
    for (size_t i = 0; i < nargs; i++)
        if (rl_predict_split_list(device_args[i], "device", names, ROOM, &count, err) != RL_OK)
            return strncmp(err->msg, "at most", 7) == 0
                       ? rl_fail(err, RL_ERR_INVALID, "at most %d devices", RL_PREDICT_MAX_DEVICES)
                       : RL_ERR_INVALID;
    if (count > RL_PREDICT_MAX_DEVICES)
        return rl_fail(err, RL_ERR_INVALID, "at most %d devices (one chart keeps them apart)",
                       RL_PREDICT_MAX_DEVICES);
    s->targets = calloc(count, sizeof *s->targets);
    if (!s->targets)
        return rl_fail(err, RL_ERR_NOMEM, "out of memory");
    rl_predict_target *t = s->targets;
    size_t *n = &s->target_count;
    bool any_modes = false;
    *n = 0;
    for (size_t i = 0; i < count; i++) {
        const char *mode;
        RL_TRY(rl_catalog_split_device(names[i], &mode, err));
        rl_predict_target *x = &t[(*n)++];
        memset(x, 0, sizeof *x);
        RL_TRY(rl_catalog_get(cat, names[i], &x->e, err));
        const bool has_modes = x->e->kind == RL_CAT_JETSON;
        any_modes |= has_modes;
        /* --power-mode: every Jetson without @MODE. A mode named for a
         * device without modes (ID@MODE, or --power-mode with a lone GPU)
         * fails in rl_catalog_find_mode, which says it has none. */
        if (!mode && (has_modes || count == 1))
            mode = power_mode;
        if (mode || has_modes)
            RL_TRY(rl_catalog_find_mode(x->e, mode, &x->mode, err));
        RL_TRY(rl_catalog_machine(x->e, x->mode, &x->m, x->src, err));
        char key[48];
        if (x->mode)
            snprintf(x->label, sizeof x->label, "%s@%s", x->e->id,
                     rl_power_mode_key(x->mode, key, sizeof key));
        else
            snprintf(x->label, sizeof x->label, "%.*s", (int)sizeof x->label - 1, x->e->id);
        if (sscanf(x->e->compute_capability, "%d.%d", &x->cc_major, &x->cc_minor) != 2)
            x->cc_major = x->cc_minor = 0;
        for (size_t k = 0; k + 1 < *n; k++)
            if (t[k].e == x->e && t[k].mode == x->mode)
                return rl_fail(err, RL_ERR_INVALID, "device %s is listed twice", x->label);
    }
    if (power_mode && !any_modes && count > 1)
        return rl_fail(err, RL_ERR_INVALID, "--power-mode: none of the devices has power modes");
    return RL_OK;
}

rl_status rl_predict_plan(rl_predict_set *s, rl_op op, const rl_precision *precs, size_t np,
                          const rl_shape *shapes, size_t ns, bool hypothetical, rl_err *err)
{
    const size_t max = s->target_count * np * ns;
    if (max > RL_PREDICT_MAX_CASES)
        return rl_fail(err, RL_ERR_INVALID, "%zu cases asked for; at most %d", max, RL_PREDICT_MAX_CASES);
    s->cases = calloc(max ? max : 1, sizeof *s->cases);
    s->refusals = calloc(s->target_count * np + 1, sizeof *s->refusals);
    if (!s->cases || !s->refusals)
        return rl_fail(err, RL_ERR_NOMEM, "out of memory planning %zu cases", max);
    for (size_t t = 0; t < s->target_count; t++)
        for (size_t q = 0; q < np; q++) {
            const rl_predict_target *tg = &s->targets[t];
            rl_err why;
            const bool runs = rl_cuda_runs(op, precs[q], tg->cc_major, tg->cc_minor, &why);
            if (!runs && !hypothetical) {
                rl_predict_refusal *r = &s->refusals[s->refusal_count++];
                *r = (rl_predict_refusal){t, op, precs[q], ""};
                snprintf(r->reason, sizeof r->reason, "%.*s", (int)sizeof r->reason - 1, why.msg);
                s->refused_cases += ns;
                continue;
            }
            for (size_t k = 0; k < ns; k++) {
                rl_predict_item *c = &s->cases[s->count];
                *c = (rl_predict_item){.target = t, .op = op, .p = precs[q], .shape = shapes[k]};
                rl_err perr;
                if (rl_predict_case(&tg->m, op, precs[q], &shapes[k], &c->r, &perr) != RL_OK) {
                    /* no peak for this unit: the whole series */
                    rl_predict_refusal *r = &s->refusals[s->refusal_count++];
                    *r = (rl_predict_refusal){t, op, precs[q], ""};
                    snprintf(r->reason, sizeof r->reason, "%.*s", (int)sizeof r->reason - 1, perr.msg);
                    s->refused_cases += ns;
                    s->count -= k;
                    break;
                }
                if (!runs) {
                    c->hypothetical = true;
                    snprintf(c->why, sizeof c->why, "%.*s", (int)sizeof c->why - 1, why.msg);
                }
                s->count++;
            }
        }
    return RL_OK;
}

void rl_predict_set_free(rl_predict_set *s)
{
    free(s->targets);
    free(s->cases);
    free(s->refusals);
    *s = (rl_predict_set){0};
}
