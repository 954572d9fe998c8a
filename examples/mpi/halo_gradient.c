/* Distributed memory: a 3-D field split over MPI ranks along dim 0 (a stretched,
 * non-uniform dim). Each rank holds its owned planes plus one ghost plane per inner
 * side, fills the ghosts from its neighbours with MPI_Sendrecv, and differentiates
 * in halo mode (edge on the physical boundary). Rank 0 gathers the result and checks
 * it is bit for bit the single-process gradient of the whole field.
 *
 *   mpiexec -n 4 ./mpi-halo-gradient
 */
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numgrad.h"

enum { NX = 37, NY = 20, NZ = 16 }; /* dim 0 is split; NX is prime so the split is uneven */

static double coord_x(int i) { return 0.1 * i + 0.02 * sin(0.7 * i); } /* stretched */
static double field(int i, int j, int k) {
    return sin(3 * coord_x(i)) * cos(0.2 * j) + 0.01 * (double)(k * k);
}

/* The gradient of planes [lo, hi) of dim 0 with its ghost planes, as ng_gradient sees it:
 * `planes` samples along dim 0 starting at plane `first`. */
static int gradient(const double *f, int first, int planes, int lower, int upper, double *out[3]) {
    const int64_t shape[3] = {planes, NY, NZ};
    const int64_t owned[3] = {planes - (lower == NG_BOUNDARY_HALO) - (upper == NG_BOUNDARY_HALO), NY, NZ};
    double *x = malloc(sizeof(double) * (size_t)planes);
    for (int i = 0; i < planes; ++i)
        x[i] = coord_x(first + i);
    ng_array in = {NG_FLOAT64, 3, shape, NULL, (void *)f};
    ng_array outs[3];
    for (int d = 0; d < 3; ++d)
        outs[d] = (ng_array){NG_FLOAT64, 3, owned, NULL, out[d]};
    ng_spacing spacing[3] = {{NG_SPACING_COORDS, 0, 0.0, x, planes},
                             {NG_SPACING_SCALAR, 0, 0.25, NULL, 0},
                             {NG_SPACING_SCALAR, 0, 0.5, NULL, 0}};
    ng_boundary boundary[3] = {{lower, upper, 0.0}, {0, 0, 0.0}, {0, 0, 0.0}};
    ng_options options = NG_OPTIONS_INIT;
    options.spacing = spacing, options.nspacing = 3;
    options.boundary = boundary, options.nboundary = 3;
    options.edge_order = 2;
    const int32_t status = ng_gradient(&in, &options, outs, 3);
    if (status != NG_OK)
        fprintf(stderr, "ng_gradient: %s: %s\n", ng_status_string(status), ng_last_error());
    free(x);
    return status;
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const int plane = NY * NZ;

    /* Owned planes [lo, hi); ghost planes below and above where a neighbour exists. */
    const int lo = NX * rank / size, hi = NX * (rank + 1) / size;
    const int below = rank > 0, above = rank < size - 1;
    const int first = lo - below, planes = hi - lo + below + above;
    double *f = malloc(sizeof(double) * (size_t)(planes * plane));
    for (int i = lo; i < hi; ++i)
        for (int j = 0; j < NY; ++j)
            for (int k = 0; k < NZ; ++k)
                f[((i - first) * NY + j) * NZ + k] = field(i, j, k);

    /* Ghost exchange: my first owned plane goes down, my last owned plane goes up. */
    const int down = below ? rank - 1 : MPI_PROC_NULL, up = above ? rank + 1 : MPI_PROC_NULL;
    double *own_first = f + (size_t)below * plane, *own_last = f + (size_t)(planes - 1 - above) * plane;
    double *ghost_below = f, *ghost_above = f + (size_t)(planes - 1) * plane;
    MPI_Sendrecv(own_first, plane, MPI_DOUBLE, down, 0, ghost_above, above ? plane : 0, MPI_DOUBLE, up, 0,
                 MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    MPI_Sendrecv(own_last, plane, MPI_DOUBLE, up, 1, ghost_below, below ? plane : 0, MPI_DOUBLE, down, 1,
                 MPI_COMM_WORLD, MPI_STATUS_IGNORE);

    const int owned = hi - lo;
    double *local[3];
    for (int d = 0; d < 3; ++d)
        local[d] = malloc(sizeof(double) * (size_t)(owned * plane));
    int failed = gradient(f, first, planes, below ? NG_BOUNDARY_HALO : NG_BOUNDARY_EDGE,
                          above ? NG_BOUNDARY_HALO : NG_BOUNDARY_EDGE, local) != NG_OK;
    MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (failed) {
        MPI_Finalize();
        return 1;
    }

    /* Gather every partial on rank 0 and compare with the single-process gradient. */
    int *counts = malloc(sizeof(int) * (size_t)size), *displs = malloc(sizeof(int) * (size_t)size);
    for (int r = 0; r < size; ++r)
        counts[r] = (NX * (r + 1) / size - NX * r / size) * plane, displs[r] = NX * r / size * plane;
    double *gathered = rank == 0 ? malloc(sizeof(double) * NX * plane) : NULL;
    int mismatches = 0;
    double *whole = NULL, *reference[3] = {NULL, NULL, NULL};
    if (rank == 0) {
        whole = malloc(sizeof(double) * NX * plane);
        for (int i = 0; i < NX; ++i)
            for (int j = 0; j < NY; ++j)
                for (int k = 0; k < NZ; ++k)
                    whole[(i * NY + j) * NZ + k] = field(i, j, k);
        for (int d = 0; d < 3; ++d)
            reference[d] = malloc(sizeof(double) * NX * plane);
        if (gradient(whole, 0, NX, NG_BOUNDARY_EDGE, NG_BOUNDARY_EDGE, reference) != NG_OK)
            mismatches = -1;
    }
    for (int d = 0; d < 3; ++d) {
        MPI_Gatherv(local[d], owned * plane, MPI_DOUBLE, gathered, counts, displs, MPI_DOUBLE, 0,
                    MPI_COMM_WORLD);
        if (rank == 0 && mismatches >= 0)
            for (int p = 0; p < NX * plane; ++p)
                mismatches += memcmp(&gathered[p], &reference[d][p], sizeof(double)) != 0;
    }
    if (rank == 0) {
        if (mismatches == 0)
            printf("%d rank(s): the halo-mode gradient of a %dx%dx%d field is bit for bit the "
                   "single-process one\n", size, NX, NY, NZ);
        else
            printf("%d rank(s): %d values differ from the single-process gradient\n", size, mismatches);
    }
    MPI_Bcast(&mismatches, 1, MPI_INT, 0, MPI_COMM_WORLD);
    for (int d = 0; d < 3; ++d)
        free(local[d]), free(reference[d]);
    free(f), free(gathered), free(whole), free(counts), free(displs);
    MPI_Finalize();
    return mismatches == 0 ? 0 : 1;
}
