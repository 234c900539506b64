"""A Pascal VOC dataset and a proposals `.jsonl` file, read as RegionKit reads them.

- `read_voc` follows `VOCReader`: every `annotations/*.xml`, images sorted by file name with
  ids 1...n in that order, categories the sorted object names with ids 1...K, boxes converted
  from inclusive 1-based VOC corners to pixel edges (`xmin - 1, ymin - 1, xmax, ymax`) in
  float32 and clipped to the image (`BoxValidation`).
- `read_proposals` follows `PrecomputedProposals` and `ProposalSource.boxes`: boxes by image
  name, rescaled when the record's size differs from the decoded image, degenerate boxes left
  out, the best `max_proposals` kept in file order.
"""
import json
import os
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field

import numpy as np

F32 = np.float32


@dataclass
class VOCImage:
    """One image of the dataset."""

    id: int
    file_name: str
    width: int
    height: int
    boxes: np.ndarray  # float32 [N, 4]
    category_ids: list[int] = field(default_factory=list)
    difficult: list[bool] = field(default_factory=list)


@dataclass
class VOCDataset:
    """Images (in RegionKit's order) and categories (id, name)."""

    images_dir: str
    images: list[VOCImage]
    categories: list[tuple[int, str]]

    def path(self, image: VOCImage) -> str:
        return os.path.join(self.images_dir, image.file_name)


class DataError(Exception):
    """A dataset or proposals file RegionKit would refuse, naming the file and the value."""


def _text(node, path: str, file: str, required: bool = True):
    found = node.find(path)
    if found is None or found.text is None or not found.text.strip():
        if required:
            raise DataError(f"{file}: missing <{path}>")
        return None
    return found.text.strip()


def read_voc(root: str) -> VOCDataset:
    """Reads `root/annotations/*.xml` (images in `root/images`, or VOC's Annotations/JPEGImages).

    Raises:
        DataError: naming the XML file for a missing element or a value that is not a number.
    """
    annotations = os.path.join(root, "annotations")
    images_dir = os.path.join(root, "images")
    if not os.path.isdir(annotations) and os.path.isdir(os.path.join(root, "Annotations")):
        annotations = os.path.join(root, "Annotations")
        images_dir = os.path.join(root, "JPEGImages")
    if not os.path.isdir(annotations):
        raise DataError(f"{root}: no annotations/ or Annotations/ folder")
    names = sorted(n for n in os.listdir(annotations) if n.lower().endswith(".xml") and not n.startswith("."))
    entries = []
    for name in names:
        tree = ElementTree.parse(os.path.join(annotations, name)).getroot()
        file_name = _text(tree, "filename", name)
        width = float(_text(tree, "size/width", name))
        height = float(_text(tree, "size/height", name))
        if not (width > 0 and height > 0 and width == int(width) and height == int(height)):
            raise DataError(f"{name}: size {width}x{height} is not a positive whole number of pixels")
        objects = []
        for index, obj in enumerate(tree.findall("object")):
            label = _text(obj, "name", name)
            corners = []
            for key in ("xmin", "ymin", "xmax", "ymax"):
                text = _text(obj, f"bndbox/{key}", name)
                try:
                    corners.append(F32(float(text)))
                except ValueError as error:
                    raise DataError(f"{name}: object[{index}]/bndbox/{key} is {text!r}, not a number") from error
            difficult = (_text(obj, "difficult", name, required=False) or "0").lower() in ("1", "true")
            box = np.array([corners[0] - F32(1), corners[1] - F32(1), corners[2], corners[3]], dtype=F32)
            objects.append((label, box, difficult))
        entries.append((file_name, name, int(width), int(height), objects))
    entries.sort(key=lambda e: (e[0], e[1]))
    category_names = sorted({label for entry in entries for label, _, _ in entry[4]})
    ids = {label: i + 1 for i, label in enumerate(category_names)}
    images = []
    for number, (file_name, _, width, height, objects) in enumerate(entries, start=1):
        kept = []
        for label, box, difficult in objects:
            # BoxValidation: non-finite and inverted boxes dropped, the rest clipped to the
            # image, and dropped when nothing is left.
            if not np.isfinite(box).all() or box[2] < box[0] or box[3] < box[1]:
                continue
            limits = np.array([width, height, width, height], dtype=F32)
            box = np.minimum(np.maximum(box, F32(0)), limits).astype(F32)
            if box[2] > box[0] and box[3] > box[1]:
                kept.append((label, box, difficult))
        images.append(VOCImage(
            id=number, file_name=file_name, width=width, height=height,
            boxes=np.array([b for _, b, _ in kept], dtype=F32).reshape(-1, 4),
            category_ids=[ids[label] for label, _, _ in kept],
            difficult=[difficult for _, _, difficult in kept]))
    return VOCDataset(images_dir, images, [(ids[n], n) for n in category_names])


class ProposalFile:
    """A `regionkit propose` `.jsonl` file: boxes best first, by image name."""

    def __init__(self, path: str):
        self.path = path
        self.records: dict[str, tuple[int, int, np.ndarray]] = {}
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    name = record["image"]
                except (ValueError, KeyError) as error:
                    raise DataError(f"{path}:{number}: not a proposal record ({error})") from error
                if name in self.records:
                    raise DataError(f"{path}:{number}: image {name} appears twice")
                boxes = np.array(record.get("boxes", []), dtype=np.float64).astype(F32).reshape(-1, 4)
                bad = ~np.isfinite(boxes).all(axis=1) | (boxes[:, 2] < boxes[:, 0]) | (boxes[:, 3] < boxes[:, 1])
                if bad.any():
                    raise DataError(f"{path}:{number}: image {name}: box {boxes[bad][0].tolist()} "
                                    "is not finite with x1 <= x2, y1 <= y2")
                self.records[name] = (int(record.get("width", 0)), int(record.get("height", 0)), boxes)

    def boxes(self, name: str, width: int, height: int, max_proposals: int = 2000) -> np.ndarray:
        """The best `max_proposals` non-degenerate boxes of image `name` in an image of
        `width` x `height` pixels (float32 `[N, 4]`).

        Raises:
            DataError: naming the file and the image when the file has no record for it.
        """
        if name not in self.records:
            raise DataError(f"{self.path}: no proposals for image {name}")
        record_width, record_height, boxes = self.records[name]
        if record_width > 0 and record_height > 0 and (record_width, record_height) != (width, height):
            sx = F32(width) / F32(record_width)
            sy = F32(height) / F32(record_height)
            boxes = (boxes * np.array([sx, sy, sx, sy], dtype=F32)).astype(F32)
        keep = np.isfinite(boxes).all(axis=1) & (boxes[:, 2] > boxes[:, 0]) & (boxes[:, 3] > boxes[:, 1])
        return boxes[keep][:max_proposals]
