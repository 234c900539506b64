import Boxes
import Imaging
import Testing

@Suite struct LabelPlacementTests {
  typealias Request = LabelPlacement.Request

  /// True when two tabs share a pixel or touch (placement keeps them one pixel apart).
  static func touch(_ a: LabelPlacement.Placement, _ b: LabelPlacement.Placement) -> Bool {
    a.x < b.x + b.width + 1 && b.x < a.x + a.width + 1 && a.y < b.y + b.height + 1
      && b.y < a.y + a.height + 1
  }

  /// Outline pixels of `box` (drawn `lineWidth` thick inside its whole-pixel bounds) that
  /// `tab` covers, counted pixel by pixel.
  static func coveredOutline(_ tab: LabelPlacement.Placement, _ box: Box, lineWidth: Int) -> Int {
    let (left, top) = (Int(box.x1.rounded(.down)), Int(box.y1.rounded(.down)))
    let (right, bottom) = (Int(box.x2.rounded(.up)), Int(box.y2.rounded(.up)))
    var count = 0
    for y in tab.y..<(tab.y + tab.height) {
      for x in tab.x..<(tab.x + tab.width) where x >= left && x < right && y >= top && y < bottom {
        let onEdge =
          x < left + lineWidth || x >= right - lineWidth || y < top + lineWidth
          || y >= bottom - lineWidth
        if onEdge { count += 1 }
      }
    }
    return count
  }

  @Test func aLoneTabSitsAboveItsBoxTopLeft() {
    let placed = LabelPlacement.place(
      [Request(box: Box(x1: 30, y1: 40, x2: 90, y2: 70), width: 24, height: 14)],
      canvasWidth: 120, canvasHeight: 80)
    #expect(placed == [.init(x: 30, y: 26, width: 24, height: 14, isDetached: false)])
  }

  @Test func aBoxAtTheTopEdgeGetsItsTabInsideBelowTheOutline() {
    let placed = LabelPlacement.place(
      [Request(box: Box(x1: 0, y1: 0, x2: 60, y2: 40), width: 24, height: 14)],
      canvasWidth: 100, canvasHeight: 60, lineWidth: 2)
    #expect(placed[0].x == 2 && placed[0].y == 2 && !placed[0].isDetached)
  }

  @Test func labelsOfTheSameBoxAreStackedWithoutOverlap() {
    let box = Box(x1: 40, y1: 60, x2: 200, y2: 180)
    let requests = (0..<4).map { _ in Request(box: box, width: 50, height: 14) }
    let placed = LabelPlacement.place(requests, canvasWidth: 240, canvasHeight: 200)
    for i in placed.indices {
      for j in placed.indices where i < j {
        #expect(!Self.touch(placed[i], placed[j]), "tabs \(i) and \(j): \(placed[i]) \(placed[j])")
      }
      // Each stays close to the box: within two tab heights of its bounds.
      let rect = placed[i].rectangle
      #expect(rect.x2 >= box.x1 - 28 && rect.x1 <= box.x2 + 28)
      #expect(rect.y2 >= box.y1 - 28 && rect.y1 <= box.y2 + 28)
    }
  }

  @Test func aTabMovesOffAnotherBoxsOutline() {
    // The default spot above `labelled`'s top-left corner is crossed by the right edge of
    // `crossing`; the tab goes where it covers no outline at all.
    let labelled = Box(x1: 50, y1: 50, x2: 150, y2: 150)
    let crossing = Box(x1: 20, y1: 20, x2: 60, y2: 200)
    let placed = LabelPlacement.place(
      [Request(box: labelled, width: 40, height: 14)], canvasWidth: 300, canvasHeight: 250,
      lineWidth: 2, outlines: [labelled, crossing])
    for box in [labelled, crossing] {
      #expect(Self.coveredOutline(placed[0], box, lineWidth: 2) == 0, "\(placed[0])")
    }
    #expect(!placed[0].isDetached)
  }

  /// A property sweep: random boxes and tab sizes on canvases with room to spare; tabs are
  /// inside the canvas and never overlap or touch.
  @Test(arguments: 0..<40)
  func tabsNeverOverlapAndStayInsideTheCanvas(seed: Int) {
    var random = SplitMix64(seed: UInt64(seed))
    func uniform(_ range: ClosedRange<Int>) -> Int {
      range.lowerBound + Int(random.next() % UInt64(range.count))
    }
    let width = uniform(160...640)
    let height = uniform(120...480)
    let count = uniform(1...24)
    var requests: [Request] = []
    for _ in 0..<count {
      let x = Float(uniform(-20...(width - 10)))
      let y = Float(uniform(-20...(height - 10)))
      let box = Box(
        x1: x, y1: y, x2: x + Float(uniform(4...width / 2)), y2: y + Float(uniform(4...height / 2)))
      requests.append(Request(box: box, width: uniform(16...60), height: uniform(10...16)))
    }
    // Keep the tabs to a quarter of the canvas so there is always room.
    while requests.reduce(0, { $0 + $1.width * $1.height }) * 4 > width * height {
      requests.removeLast()
    }
    let placed = LabelPlacement.place(requests, canvasWidth: width, canvasHeight: height)
    #expect(placed.count == requests.count)
    for (i, tab) in placed.enumerated() {
      #expect(tab.width == requests[i].width && tab.height == requests[i].height)
      #expect(
        tab.x >= 0 && tab.y >= 0 && tab.x + tab.width <= width && tab.y + tab.height <= height)
      for j in placed.indices where j > i {
        #expect(!Self.touch(tab, placed[j]), "seed \(seed): tabs \(i) and \(j) overlap")
      }
    }
  }

  @Test func aFullCanvasStillPlacesEveryTab() {
    // Six 40x20 tabs cannot fit apart on a 60x40 canvas: each still gets a place inside it.
    let requests = (0..<6).map { _ in
      Request(box: Box(x1: 0, y1: 0, x2: 60, y2: 40), width: 40, height: 20)
    }
    let placed = LabelPlacement.place(requests, canvasWidth: 60, canvasHeight: 40)
    #expect(placed.count == 6)
    #expect(placed.allSatisfy { $0.x >= 0 && $0.y >= 0 && $0.x + 40 <= 60 && $0.y + 20 <= 40 })
  }
}
