"""RegionKit's `InputNormalization.apply(to:)`: per channel `x * (range / std) - mean / std`
in float32, channels reordered for BGR networks. The network here uses ImageNet's values, the
default RegionKit gives ONNX networks."""
import numpy as np

F32 = np.float32
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def normalize(batch: np.ndarray, mean=IMAGENET_MEAN, std=IMAGENET_STD, channel_order: str = "rgb",
              pixel_range: float = 1.0) -> np.ndarray:
    """`[N, 3, H, W]` RGB crops in [0, 1] → the network's input, float32."""
    batch = np.asarray(batch, dtype=F32)
    if channel_order not in ("rgb", "bgr"):
        raise ValueError(f"channel order {channel_order!r}: allowed rgb or bgr")
    out = np.empty_like(batch)
    for channel in range(3):
        source = channel if channel_order == "rgb" else 2 - channel
        scale = F32(pixel_range) / F32(std[channel])
        shift = F32(mean[channel]) / F32(std[channel])
        out[:, channel] = batch[:, source] * scale - shift
    return out
