import Boxes

// Integration note: this file is a stand-in for the Boxes module's IoU matrix, which is
// written on another branch. At merge, replace the call sites with that function and delete
// this file (the crowd variant `detectionAreaOverlap` stays here unless Boxes gains one).

/// Intersection over union of two boxes in pixel-edge coordinates, computed in `Double`.
///
/// Degenerate boxes (no positive area) have IoU 0 with everything, like torchvision's
/// `box_iou` for boxes of zero area.
///
/// - Complexity: O(1).
package func pairwiseIoU(_ a: Box, _ b: Box) -> Double {
  let width = min(Double(a.x2), Double(b.x2)) - max(Double(a.x1), Double(b.x1))
  guard width > 0 else { return 0 }
  let height = min(Double(a.y2), Double(b.y2)) - max(Double(a.y1), Double(b.y1))
  guard height > 0 else { return 0 }
  let intersection = width * height
  let union = boxArea(a) + boxArea(b) - intersection
  return union > 0 ? intersection / union : 0
}

/// The IoU of `detection` with `groundTruth`, or for a crowd ground truth the fraction of the
/// detection covered by it (pycocotools' `iou(..., iscrowd)`: intersection / detection area).
///
/// Computed in `Double` from `x, y, w, h` as pycocotools' C `bbIou` does, so the numbers agree
/// with it to the last bit for boxes whose corners are exact in `Float`.
///
/// - Complexity: O(1).
package func detectionOverlap(detection: Box, groundTruth: Box, isCrowd: Bool) -> Double {
  let dx = Double(detection.x1)
  let dy = Double(detection.y1)
  let dw = Double(detection.x2) - dx
  let dh = Double(detection.y2) - dy
  let gx = Double(groundTruth.x1)
  let gy = Double(groundTruth.y1)
  let gw = Double(groundTruth.x2) - gx
  let gh = Double(groundTruth.y2) - gy
  let width = min(dx + dw, gx + gw) - max(dx, gx)
  guard width > 0 else { return 0 }
  let height = min(dy + dh, gy + gh) - max(dy, gy)
  guard height > 0 else { return 0 }
  let intersection = width * height
  let union = isCrowd ? dw * dh : dw * dh + gw * gh - intersection
  return intersection / union
}

/// `width * height` in `Double`, 0 for a degenerate box.
package func boxArea(_ box: Box) -> Double {
  let width = Double(box.x2) - Double(box.x1)
  let height = Double(box.y2) - Double(box.y1)
  return width > 0 && height > 0 ? width * height : 0
}
