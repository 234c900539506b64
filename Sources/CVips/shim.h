// Fixed-arity wrappers around libvips' variadic calls, which Swift cannot call.
// One `static inline` function per call the Swift code makes, named after the vips
// operation with an `rk_` prefix, and no logic inside. Not API: only Imaging imports this.
#ifndef REGIONKIT_CVIPS_SHIM_H
#define REGIONKIT_CVIPS_SHIM_H

#include <vips/vips.h>

// Start-up. `VIPS_INIT` is a macro, so Swift cannot see it.
static inline int rk_vips_init(const char *program_name) {
  return VIPS_INIT(program_name);
}

// Loading. `fail_on` makes truncated or corrupt input an error instead of a grey image.
// Sequential access matters too: libvips 8.14 reports a PNG cut near its end only when it
// reads sequentially (random access fills the missing rows with black).
// Shrink-on-load: JPEG's loader decodes at 1/2, 1/4 or 1/8 scale; sequential access lets
// the rest of the pipeline stream. (vips_thumbnail_source is not used: in libvips 8.14 it
// ignores fail_on and returns grey rows for truncated files.)
static inline VipsImage *rk_vips_image_new_from_source_shrink_failon(
    VipsSource *source, int shrink, VipsFailOn fail_on) {
  return vips_image_new_from_source(source, "", "shrink", shrink, "access",
                                    VIPS_ACCESS_SEQUENTIAL, "fail_on", fail_on, NULL);
}

static inline VipsImage *rk_vips_image_new_from_source_sequential_failon(
    VipsSource *source, VipsFailOn fail_on) {
  return vips_image_new_from_source(source, "", "access", VIPS_ACCESS_SEQUENTIAL,
                                    "fail_on", fail_on, NULL);
}

static inline int rk_vips_thumbnail_image(VipsImage *in, VipsImage **out, int width, int height) {
  return vips_thumbnail_image(in, out, width, "height", height, "size", VIPS_SIZE_DOWN, NULL);
}

// Normalisation to RGB.
static inline int rk_vips_autorot(VipsImage *in, VipsImage **out) {
  return vips_autorot(in, out, NULL);
}

static inline int rk_vips_icc_transform_embedded(
    VipsImage *in, VipsImage **out, const char *output_profile, const char *input_profile) {
  return vips_icc_transform(in, out, output_profile, "embedded", TRUE, "input_profile",
                            input_profile, "depth", 8, NULL);
}

static inline int rk_vips_colourspace(
    VipsImage *in, VipsImage **out, VipsInterpretation space) {
  return vips_colourspace(in, out, space, NULL);
}

static inline int rk_vips_cast(VipsImage *in, VipsImage **out, VipsBandFormat format) {
  return vips_cast(in, out, format, NULL);
}

// Encoding.
static inline int rk_vips_copy_interpretation(
    VipsImage *in, VipsImage **out, VipsInterpretation interpretation) {
  return vips_copy(in, out, "interpretation", interpretation, NULL);
}

static inline int rk_vips_pngsave_buffer(VipsImage *in, void **buf, size_t *len) {
  return vips_pngsave_buffer(in, buf, len, NULL);
}

static inline int rk_vips_pngsave_buffer_palette(VipsImage *in, void **buf, size_t *len) {
  return vips_pngsave_buffer(in, buf, len, "palette", TRUE, NULL);
}

static inline int rk_vips_jpegsave_buffer(
    VipsImage *in, void **buf, size_t *len, int quality) {
  return vips_jpegsave_buffer(in, buf, len, "Q", quality, NULL);
}

// Text rendering for labels: a one-band uchar ink mask, 0 = paper, 255 = ink.
static inline int rk_vips_text(VipsImage **out, const char *text, const char *font, int dpi) {
  return vips_text(out, text, "font", font, "dpi", dpi, NULL);
}

// Writers used by the tests to make inputs with known properties (CMYK, 16-bit, EXIF
// orientation, huge sizes, GIF/WebP/TIFF). The format follows the file name's suffix, and
// save options can ride in it, e.g. "x.jpg[Q=90]".
static inline int rk_vips_black(VipsImage **out, int width, int height, int bands) {
  return vips_black(out, width, height, "bands", bands, NULL);
}

static inline int rk_vips_image_write_to_file(VipsImage *in, const char *filename) {
  return vips_image_write_to_file(in, filename, NULL);
}

#endif
