/* The README's C example: the gradient of a 2-D array with per-dim spacing. */
#include <stdio.h>

#include "numgrad.h"

int main(void) {
    const double t[2][4] = {{1, 2, 4, 8}, {10, 20, 40, 80}};
    double d0[2][4], d1[2][4];
    const int64_t shape[2] = {2, 4};

    ng_array input = {NG_FLOAT64, 2, shape, NULL, (void *)t};
    ng_array outputs[2] = {{NG_FLOAT64, 2, shape, NULL, d0}, {NG_FLOAT64, 2, shape, NULL, d1}};
    ng_spacing spacing[2] = {{NG_SPACING_SCALAR, 0, 3.0, NULL, 0},  /* dim 0: h = 3 */
                             {NG_SPACING_SCALAR, 0, 2.0, NULL, 0}}; /* dim 1: h = 2 */
    ng_options options = NG_OPTIONS_INIT;
    options.spacing = spacing;
    options.nspacing = 2;

    if (ng_gradient(&input, &options, outputs, 2) != NG_OK) {
        fprintf(stderr, "numgrad: %s\n", ng_last_error());
        return 1;
    }
    for (int i = 0; i < 2; ++i)
        printf("d/dx0 %5g %5g %5g %5g    d/dx1 %5g %5g %5g %5g\n", d0[i][0], d0[i][1], d0[i][2],
               d0[i][3], d1[i][0], d1[i][1], d1[i][2], d1[i][3]);
    return 0;
}
