/* The numgrad demonstration: second-order convergence on a stretched 3-D grid. */
#ifndef NUMGRAD_CONVERGENCE_DEMO_H
#define NUMGRAD_CONVERGENCE_DEMO_H

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Differentiates f = sin(3x) cos(2y) exp(z) sampled on a stretched grid at two
 * resolutions with edge_order 1 and 2, and prints the max error against the exact
 * gradient, the observed order of convergence and the time taken. Returns 0 when
 * the observed orders are about 1 and 2 as theory says, 1 otherwise. */
int ng_convergence_demo(FILE *out);

#ifdef __cplusplus
}
#endif

#endif
