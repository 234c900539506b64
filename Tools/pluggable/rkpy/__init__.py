"""RegionKit's R-CNN pipeline pieces reproduced in Python (numpy), for comparing a network
trained in PyTorch inside and outside RegionKit on the same proposals file:

- `split`: the seeded train/validation split (`DatasetSplit`);
- `data`: Pascal VOC datasets and proposal `.jsonl` files as RegionKit reads them;
- `imaging`: decoding through libvips and the warped crops with context (`cropAndWarp`);
- `normalization`: `InputNormalization.apply(to:)`;
- `boxes`: IoU, `BoxCoder`, NMS;
- `postprocess`: `DetectionPostprocessor`;
- `coco_eval`: COCO AP and AP50 as `COCOEvaluation`;
- `pipeline`: one image through all of them.
"""
