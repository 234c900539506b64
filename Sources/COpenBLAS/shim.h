// CBLAS from OpenBLAS (pkg-config `openblas`, Debian `libopenblas-dev`).
// Not API: only NeuralNet and hot numeric kernels import this.
#ifndef REGIONKIT_COPENBLAS_SHIM_H
#define REGIONKIT_COPENBLAS_SHIM_H

#include <cblas.h>

// openblas_set_num_threads / openblas_get_num_threads are declared in OpenBLAS' cblas.h.

#endif
