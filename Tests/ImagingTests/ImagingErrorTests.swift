import Imaging
import Testing

@Suite struct ImagingErrorTests {
  @Test(arguments: [
    ImagingError.fileNotFound(file: "a/b.jpg"), .emptyFile(file: "a/b.jpg"),
    .unsupported(file: "a/b.jpg", reason: "VipsForeignLoad: not a known file format"),
    .undecodable(file: "a/b.jpg", reason: "libpng read error"),
    .truncated(file: "a/b.jpg", reason: "Premature end of input file"),
    .tooLarge(file: "a/b.jpg", width: 20_000, height: 10_000, limit: 100_000_000),
    .cannotWrite(file: "a/b.jpg", reason: "No such directory"),
  ])
  func descriptionsNameTheFile(error: ImagingError) {
    let text = error.description
    #expect(text.hasPrefix("a/b.jpg"), "\(text)")
    #expect(!text.contains("\n"))
  }

  @Test func tooLargeSaysHowToFixIt() {
    let text = ImagingError.tooLarge(
      file: "big.tif", width: 20_000, height: 10_000, limit: 100_000_000
    )
    .description
    #expect(text.contains("20000x10000") && text.contains("100000000") && text.contains("maxSide"))
  }
}
