import Imaging
import ProposalIO
import Proposals
import RegionKitTestSupport
import Testing

/// The proposal generators' peak-memory estimates: positive, growing with the pixels, and
/// taken at the working size when a generator shrinks images first.
@Suite struct MemoryEstimateTests {
  static let perPixelGenerators: [any ProposalGenerator] = [
    SelectiveSearch(mode: .single), SelectiveSearch(mode: .fast), SelectiveSearch(mode: .quality),
    EdgeBoxes(), SegmentBoxes(), SegmentBoxes(segmenters: [.slic(segments: 50)]),
    CombinedGenerator([SelectiveSearch(), EdgeBoxes()]),
    SelectiveSearch().filtered(ProposalFilter(top: 10)),
  ]

  @Test func perPixelEstimatesGrowInProportionToThePixels() {
    expectEstimatesProportionalToPixels(Self.perPixelGenerators)
  }

  @Test func estimatesAreMonotoneInEachSide() {
    for generator in Self.perPixelGenerators {
      var previous = 0
      for side in stride(from: 16, through: 4096, by: 240) {
        let bytes = generator.estimatedPeakMemory(width: side, height: 480)
        #expect(bytes >= previous, "\(generator.name) at \(side)x480")
        previous = bytes
      }
    }
  }

  @Test func selectiveSearchEstimatesAtItsMaximumSide() {
    let full = SelectiveSearch().estimatedPeakMemory(width: 1000, height: 1000)
    let capped = SelectiveSearch(maximumSide: 500)
    // Shrunk to 500 x 500: a quarter of the search, plus the 12 B/px shrunk copy.
    #expect(
      abs(capped.estimatedPeakMemory(width: 1000, height: 1000) - (full / 4 + 3_000_000)) <= 4)
    // A 10000 x 10000 image costs no more than a 500 x 500 one beyond the copy.
    #expect(
      capped.estimatedPeakMemory(width: 10000, height: 10000)
        == capped.estimatedPeakMemory(width: 1000, height: 1000))
    // Images that already fit are not copied.
    #expect(
      capped.estimatedPeakMemory(width: 400, height: 300)
        == SelectiveSearch().estimatedPeakMemory(width: 400, height: 300))
  }

  @Test func selectiveSearchUsesItsPerPixelConstant() {
    #expect(SelectiveSearch.peakBytesPerPixel > 0)
    #expect(
      SelectiveSearch(mode: .quality).estimatedPeakMemory(width: 1000, height: 1000)
        == MemoryEstimate.bytes(
          perPixel: SelectiveSearch.peakBytesPerPixel, width: 1000, height: 1000))
  }

  @Test func combinedTakesTheLargestPartAndFilteredItsBase() {
    let search = SelectiveSearch()
    let boxes = EdgeBoxes()
    let combined = CombinedGenerator([search, boxes])
    #expect(
      combined.estimatedPeakMemory(width: 800, height: 600)
        == max(
          search.estimatedPeakMemory(width: 800, height: 600),
          boxes.estimatedPeakMemory(width: 800, height: 600)))
    #expect(
      boxes.filtered(ProposalFilter(top: 5)).estimatedPeakMemory(width: 800, height: 600)
        == boxes.estimatedPeakMemory(width: 800, height: 600))
  }

  @Test func segmentBoxesCountsItsLargestSegmenter() {
    let slicOnly = SegmentBoxes(segmenters: [.slic(segments: 50)])
    let all = SegmentBoxes()
    #expect(
      all.estimatedPeakMemory(width: 1000, height: 1000)
        >= slicOnly.estimatedPeakMemory(width: 1000, height: 1000))
  }

  @Test func slidingWindowCountsItsWindowsNotThePixels() {
    let window = SlidingWindow()
    let bytes = window.estimatedPeakMemory(width: 1000, height: 1000)
    #expect(bytes > 0 && bytes < 50_000_000)
    // The grid is relative to the image, so the window count barely changes with its size.
    #expect(window.estimatedPeakMemory(width: 4000, height: 4000) < 2 * bytes)
  }

  @Test func aGeneratorWithoutAnEstimateCountsForNothing() {
    struct Nothing: ProposalGenerator {
      var name: String { "nothing" }
      func proposals(for image: Image) throws -> [Proposal] { [] }
    }
    #expect(Nothing().estimatedPeakMemory(width: 10000, height: 10000) == 0)
  }
}
