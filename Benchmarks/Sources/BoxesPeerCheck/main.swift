// Prints, as one JSON object, RegionKit's NMS and batched-NMS results on the benchmark input,
// plus a checksum of the input, so Tools/peers/compare_boxes.sh can check torchvision parity.
import BenchmarkInputs
import Boxes

let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 10_000 : 10_000
let threshold = 0.5
let input = BenchmarkBoxes(count: count)
let coordinateSum = input.boxes.reduce(0.0) { $0 + Double($1.x1 + $1.y1 + $1.x2 + $1.y2) }
let scoreSum = input.scores.reduce(0.0) { $0 + Double($1) }
let keep = nonMaximumSuppression(boxes: input.boxes, scores: input.scores, iouThreshold: threshold)
let batchedKeep = batchedNonMaximumSuppression(
  boxes: input.boxes, scores: input.scores, classIDs: input.classIDs, iouThreshold: threshold)
print(
  """
  {"count": \(count), "iou_threshold": \(threshold), "coordinate_sum": \(coordinateSum), \
  "score_sum": \(scoreSum), "class_sum": \(input.classIDs.reduce(0, +)), \
  "nms_keep": \(keep), "batched_nms_keep": \(batchedKeep)}
  """)
