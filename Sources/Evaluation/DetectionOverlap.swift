import Boxes

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
