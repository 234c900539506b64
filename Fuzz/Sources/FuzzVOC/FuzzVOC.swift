import Datasets
import FuzzSupport

let annotation = ScratchFile(name: "voc/Annotations/000001.xml")
let imagesFolder = ScratchFile.folder.appendingPathComponent("voc/JPEGImages")

/// Reads the input as the one Pascal VOC XML file of a folder (`Dataset.loadVOC`): any input
/// must give a dataset or a thrown error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVOC(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let url = annotation.write(fuzzData(bytes, count))
  guard
    let dataset = try? Dataset.loadVOC(
      annotationsDirectory: url.deletingLastPathComponent(), imagesDirectory: imagesFolder)
  else { return 0 }
  _ = DatasetStatistics(dataset)
  for image in dataset.images {
    _ = dataset.url(of: image)
    _ = Dataset.pictureFileName(for: image.fileName)
  }
  return 0
}
