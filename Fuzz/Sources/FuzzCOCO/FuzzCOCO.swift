import Datasets
import FuzzSupport

let annotations = ScratchFile(name: "coco/annotations.json")

/// Reads the input as a COCO instances JSON file (`Dataset.loadCOCO`) and as a COCO results
/// file (`COCOResults.decode`): any input must give a dataset (or detections) or a thrown error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCOCO(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let data = fuzzData(bytes, count)
  _ = try? COCOResults.decode(data, file: "results.json")
  guard let dataset = try? Dataset.loadCOCO(annotationsFile: annotations.write(data)) else {
    return 0
  }
  // What was read is used as the commands use it: statistics, image paths, picture names.
  _ = DatasetStatistics(dataset)
  for image in dataset.images {
    _ = dataset.url(of: image)
    _ = Dataset.pictureFileName(for: image.fileName)
  }
  return 0
}
