/* rooflab kernels: host-side conversion between doubles and each storage
 * type (round to nearest even), used to build inputs and read outputs. */
#ifndef RL_DTYPE_H
#define RL_DTYPE_H

#include <stddef.h>
#include <stdint.h>

#include "model/rl_ops.h"

/* Convert n doubles to dtype t in dst (dst holds n * rl_dtype_size(t) bytes). */
void rl_dtype_from_f64(rl_dtype t, void *dst, const double *src, size_t n);
/* Convert n elements of dtype t to doubles. */
void rl_dtype_to_f64(rl_dtype t, double *dst, const void *src, size_t n);

/* Scalar conversions (round to nearest even; NaN and infinity kept). */
uint16_t rl_f32_to_f16(float x);
float rl_f16_to_f32(uint16_t h);
uint16_t rl_f32_to_bf16(float x);
float rl_bf16_to_f32(uint16_t h);
uint8_t rl_f32_to_e4m3(float x);
float rl_e4m3_to_f32(uint8_t v);

/* Unit roundoff-like epsilon of a storage type: the spacing of numbers just
 * above 1 (2^-52 for f64, 2^-23 f32, 2^-10 f16, 2^-7 bf16, 2^-3 e4m3), 0 for
 * integers. */
double rl_dtype_epsilon(rl_dtype t);

#endif
