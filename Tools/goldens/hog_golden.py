#!/usr/bin/env python3
"""Golden for HOGDescriptor: scikit-image's HOG of a small deterministic RGB image.

    Tools/peers/make_venv.sh Tools/peers/.venv-hog "import skimage" scikit-image
    Tools/peers/.venv-hog/bin/python Tools/goldens/hog_golden.py > Fixtures/goldens/hog.json

The image (40 wide, 32 high, RGB, bytes / 255) is a blend of oriented stripes, a disc and a
seeded noise field, so that every orientation bin and every block is exercised. Settings:
orientations=9, pixels_per_cell=(8, 8), cells_per_block=(2, 2), block_norm='L2-Hys',
channel_axis=-1, feature_vector=True (skimage hard-bins orientations; HOGDescriptor matches
it with interpolatesOrientation: false).
"""
import json
import math

import numpy as np
import skimage
from skimage.feature import hog

W, H = 40, 32
rng = np.random.default_rng(7)
noise = rng.integers(0, 40, size=(H, W, 3))
pixels = np.zeros((H, W, 3), dtype=np.int64)
for y in range(H):
    for x in range(W):
        r = 128 + 100 * math.sin(0.45 * x + 0.2 * y)
        g = 128 + 100 * math.cos(0.3 * y - 0.25 * x)
        b = 220 if (x - 22) ** 2 + (y - 15) ** 2 < 64 else 40
        pixels[y, x] = [r, g, b]
pixels = np.clip(pixels + noise, 0, 255)
image = pixels.astype(np.float64) / 255.0
features = hog(image, orientations=9, pixels_per_cell=(8, 8), cells_per_block=(2, 2),
               block_norm='L2-Hys', channel_axis=-1, feature_vector=True)
print(json.dumps({
    "generator": f"scikit-image {skimage.__version__} skimage.feature.hog",
    "width": W, "height": H,
    "pixels": pixels.reshape(-1).tolist(),
    "features": [round(float(v), 7) for v in features],
}))
