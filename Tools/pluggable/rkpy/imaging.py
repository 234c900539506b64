"""RegionKit's image decoding and R-CNN crops, reproduced with the same arithmetic.

- `decode` follows `Image(contentsOf:)` (Sources/Imaging/VipsDecoder.swift) through pyvips,
  the Python binding of the same libvips: sequential load with `fail_on=error`, EXIF
  rotation (`autorot`), CMYK and non-RGB spaces to sRGB, then grey replicated to RGB, alpha
  flattened onto white, samples divided by 255 (65535 for 16-bit) in float32, clamped to [0, 1].
- `mean_color` is `Image.meanColor()`: a sequential float64 sum per channel, then float32.
- `crop_and_warp` is `Image.cropAndWarp(box:to:contextPadding:fill:)` for a batch of boxes:
  the same float64 tap geometry (`LinearTaps`) and the same float32 bilinear blend, so the
  crops equal RegionKit's bit for bit.
- `context_padding` is `RCNN.defaultContextPadding(inputSize:)`.
"""
import numpy as np

F32 = np.float32


def context_padding(input_size: int) -> int:
    """The paper's 16 px of context at 227 px scaled to `input_size`, at least 1 (Swift
    `rounded()` is half away from zero)."""
    return max(1, int(input_size * 16 / 227 + 0.5))


def decode(path: str) -> np.ndarray:
    """Decodes an image file to a float32 `[H, W, 3]` RGB array in [0, 1], as RegionKit does.

    Raises:
        RuntimeError: naming the file when libvips cannot read it.
    """
    import pyvips

    try:
        image = pyvips.Image.new_from_file(path, access="sequential", fail_on="error")
        image = image.copy_memory().autorot()
        interpretation = image.interpretation
        if interpretation == "cmyk":
            image = image.icc_transform("srgb", embedded=True, input_profile="cmyk")
        elif interpretation in ("lab", "labq", "labs", "lch", "cmc", "xyz", "yxy", "scrgb", "hsv"):
            image = image.colourspace("srgb")
        interpretation = image.interpretation
        scale = F32(255)
        if image.format == "uchar":
            pass
        elif image.format == "ushort":
            if interpretation not in ("srgb", "b-w"):
                scale = F32(65535)
        elif image.format in ("complex", "dpcomplex"):
            raise RuntimeError("complex-valued samples")
        else:
            if interpretation in ("rgb16", "grey16"):
                scale = F32(65535)
            image = image.cast("float")
        has_alpha = image.hasalpha() and image.bands >= 2
        samples = np.ndarray(
            buffer=image.write_to_memory(),
            dtype={"uchar": np.uint8, "ushort": np.uint16, "float": np.float32}[image.format],
            shape=(image.height, image.width, image.bands))
    except pyvips.Error as error:
        raise RuntimeError(f"{path}: {error}") from error
    values = samples.astype(F32) / scale
    colour_bands = image.bands - 1 if has_alpha else image.bands
    if colour_bands >= 3:
        rgb = values[:, :, :3]
    else:
        rgb = np.repeat(values[:, :, :1], 3, axis=2)
    if has_alpha:
        alpha = np.clip(values[:, :, -1:], F32(0), F32(1))
        rgb = rgb * alpha + (F32(1) - alpha)
    return np.ascontiguousarray(np.clip(rgb, F32(0), F32(1)), dtype=F32)


def mean_color(image: np.ndarray) -> np.ndarray:
    """The mean of each channel: float64 sums in pixel order (as Swift's loop), then float32."""
    flat = image.reshape(-1, image.shape[2]).astype(np.float64)
    sums = np.cumsum(flat, axis=0)[-1]  # cumsum adds in order; np.sum would add pairwise
    return (sums / float(flat.shape[0])).astype(F32)


def _taps(output_count: int, source_count: int, origin: np.ndarray, scale: np.ndarray, offset: float):
    """`LinearTaps` for a batch: origins and scales `[B]` (float64) → lower, upper `[B, n]`
    int, weight `[B, n]` float32, inside `[B, n]` bool."""
    i = np.arange(output_count, dtype=np.float64)[None, :]
    edge = origin[:, None] + ((i + 0.5) - offset) * scale[:, None]
    inside = (edge >= 0) & (edge < float(source_count))
    position = np.minimum(np.maximum(edge - 0.5, 0.0), float(source_count - 1))
    floor = np.floor(position)
    lower = floor.astype(np.int64)
    upper = np.minimum(lower + 1, source_count - 1)
    weight = (position - floor).astype(F32)
    return lower, upper, weight, inside


def crop_and_warp(image: np.ndarray, boxes: np.ndarray, size: int, padding: int,
                  fill: np.ndarray | None = None) -> np.ndarray:
    """Warped crops with context of `boxes` (float32 `[R, 4]`, x1 y1 x2 y2 in pixel edges).

    Args:
        image: float32 `[H, W, 3]`.
        boxes: float32 `[R, 4]`.
        size: Crop side (RegionKit's `inputSize`).
        padding: Context pixels on each side (RegionKit's `contextPadding`).
        fill: Colour outside the image. Default: `mean_color(image)` (R-CNN's choice).

    Returns:
        float32 `[R, 3, size, size]` (NCHW), as `RCNN.crops(of:boxes:width:height:contextPadding:)`.
    """
    if size <= 2 * padding:
        raise ValueError(f"crop size {size} has no room inside padding {padding}")
    boxes = np.asarray(boxes, dtype=F32).reshape(-1, 4)
    fill = mean_color(image) if fill is None else np.asarray(fill, dtype=F32)
    height, width, channels = image.shape
    count = boxes.shape[0]
    out = np.empty((count, size, size, channels), dtype=F32)
    x1, y1, x2, y2 = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]
    with np.errstate(invalid="ignore"):
        degenerate = ~np.isfinite(boxes).all(axis=1) | ~(x2 > x1) | ~(y2 > y1)
    # Degenerate boxes are all fill; give them harmless geometry so indexing stays in range.
    x1, y1, x2, y2 = (np.where(degenerate, F32(0), v) for v in (x1, y1, x2, y2))
    x2 = np.where(degenerate, F32(1), x2)
    y2 = np.where(degenerate, F32(1), y2)
    # Box.width is a float32 difference, widened to float64 like the corners.
    with np.errstate(invalid="ignore", over="ignore"):
        box_width = (x2 - x1).astype(np.float64)
        box_height = (y2 - y1).astype(np.float64)
    inner = float(size - 2 * padding)
    columns = _taps(size, width, x1.astype(np.float64), box_width / inner, float(padding))
    rows = _taps(size, height, y1.astype(np.float64), box_height / inner, float(padding))
    for start in range(0, count, 256):
        part = slice(start, min(start + 256, count))
        col_lo, col_hi, wx, col_in = (a[part] for a in columns)
        row_lo, row_hi, wy, row_in = (a[part] for a in rows)
        top_left = image[row_lo[:, :, None], col_lo[:, None, :]]
        top_right = image[row_lo[:, :, None], col_hi[:, None, :]]
        bottom_left = image[row_hi[:, :, None], col_lo[:, None, :]]
        bottom_right = image[row_hi[:, :, None], col_hi[:, None, :]]
        wx3 = wx[:, None, :, None]
        wy3 = wy[:, :, None, None]
        upper_row = top_left + wx3 * (top_right - top_left)
        lower_row = bottom_left + wx3 * (bottom_right - bottom_left)
        block = upper_row + wy3 * (lower_row - upper_row)
        outside = ~(row_in[:, :, None] & col_in[:, None, :])
        block[outside] = fill
        out[part] = block
    out[degenerate] = fill
    return np.ascontiguousarray(out.transpose(0, 3, 1, 2))
