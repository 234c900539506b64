import Boxes
import Imaging
import Testing

@testable import Proposals

@Suite struct SlidingWindowTests {
  let image = Image(width: 200, height: 100, channels: 3, repeating: 0.5)

  @Test func windowsHaveTheRequestedShapeAndStayInside() throws {
    let generator = SlidingWindow(scales: [0.5], aspectRatios: [1, 2], stride: 0.5)
    let windows = try generator.windows(width: 200, height: 100)
    for window in windows {
      #expect(
        window.box.x1 >= 0 && window.box.y1 >= 0 && window.box.x2 <= 200 && window.box.y2 <= 100)
    }
    let squares = windows.filter { $0.ratio == 1 }
    // Side 50: x at 0, 25, ..., 150 (7), y at 0, 25, 50 (3).
    #expect(squares.count == 21)
    #expect(squares.allSatisfy { $0.box.width == 50 && $0.box.height == 50 })
    #expect(squares.last?.box == Box(x1: 150, y1: 50, x2: 200, y2: 100))
    let tall = windows.filter { $0.ratio == 2 }
    #expect(abs(tall[0].box.height / tall[0].box.width - 2) < 1e-5)
  }

  @Test func lastWindowTouchesTheEdgeWhenTheStepDoesNotDivide() {
    #expect(SlidingWindow.positions(window: 30, extent: 100, step: 30) == [0, 30, 60, 70])
    #expect(SlidingWindow.positions(window: 100, extent: 100, step: 25) == [0])
  }

  @Test func rankingIsSeededAndCapped() throws {
    let a = try SlidingWindow(maxProposals: 50, seed: 7).proposals(for: image)
    let b = try SlidingWindow(maxProposals: 50, seed: 7).proposals(for: image)
    let c = try SlidingWindow(maxProposals: 50, seed: 8).proposals(for: image)
    #expect(a == b)
    #expect(a != c)
    #expect(a.count == 50)
    #expect(zip(a, a.dropFirst()).allSatisfy { $0.score >= $1.score })
    #expect(a.allSatisfy { $0.provenance.method == "sliding-window" })
  }

  struct PreferCentre: WindowScorer {
    func score(_ box: Box, in image: Image) throws -> Float {
      let (x, y) = box.center
      return -abs(x - Float(image.width) / 2) - abs(y - Float(image.height) / 2)
        - abs(box.width - 50)
    }
  }

  @Test func scorerRanksWindows() throws {
    let best = try SlidingWindow(
      scales: [0.5], aspectRatios: [1], stride: 0.5, scorer: PreferCentre()
    )
    .proposals(for: image)[0]
    #expect(best.box == Box(x1: 75, y1: 25, x2: 125, y2: 75))
  }

  @Test func tinyAndExtremeImages() throws {
    for (width, height) in [(1, 1), (1, 2000), (2000, 1), (20, 400)] {
      let proposals = try SlidingWindow(maxProposals: 100).proposals(
        for: Image(width: width, height: height, channels: 3))
      #expect(!proposals.isEmpty)
      #expect(
        proposals.allSatisfy {
          $0.box.x1 >= 0 && $0.box.y1 >= 0 && $0.box.x2 <= Float(width)
            && $0.box.y2 <= Float(height)
            && !$0.box.isDegenerate
        })
    }
  }

  @Test func settingsOutOfRangeAreTypedErrors() {
    #expect(
      throws: ProposalsError.invalidParameter(
        generator: "sliding-window", field: "stride", value: "0.0", expected: "[0.001, 1]")
    ) {
      _ = try SlidingWindow(stride: 0).proposals(for: image)
    }
    #expect(throws: ProposalsError.self) {
      _ = try SlidingWindow(scales: [2]).windows(width: 9, height: 9)
    }
    #expect(throws: ProposalsError.self) {
      _ = try SlidingWindow(aspectRatios: [.nan]).proposals(for: image)
    }
    #expect(throws: ProposalsError.self) {
      _ = try SlidingWindow(maxProposals: -1).proposals(for: image)
    }
  }
}
