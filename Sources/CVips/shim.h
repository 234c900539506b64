// Fixed-arity wrappers around libvips' variadic calls, which Swift cannot call.
// One `static inline` function per call the Swift code makes, named after the vips
// operation with an `rk_` prefix, and no logic inside. Not API: only Imaging imports this.
#ifndef REGIONKIT_CVIPS_SHIM_H
#define REGIONKIT_CVIPS_SHIM_H

#include <vips/vips.h>

#endif
