import Foundation

/// A small SVG line and scatter plot: axes with ticks and labels, a legend, several series,
/// linear or logarithmic x axis.
///
/// The SVG is self-contained (no scripts, no external fonts or styles), starts with a white
/// background so it renders the same on any page, and is deterministic: the same plot gives
/// the same bytes.
///
///     var plot = LinePlot(title: "Recall at IoU 0.5", xLabel: "proposals", yLabel: "recall")
///     plot.isLogX = true
///     plot.yRange = 0...1
///     plot.series.append(.init(name: "selective search", x: [1, 10, 100], y: [0.1, 0.4, 0.8]))
///     let svg = plot.svg()
public struct LinePlot: Sendable, Hashable {
  /// One named set of points.
  public struct Series: Sendable, Hashable {
    /// How points are drawn.
    public enum Style: Sendable, Hashable {
      /// A polyline through the points with a small marker on each.
      case line
      /// Markers only.
      case markers
    }

    /// The legend entry.
    public var name: String
    /// X values, in data units.
    public var x: [Double]
    /// Y values, in data units; same count as ``x``.
    public var y: [Double]
    /// Line or markers. Default: `.line`.
    public var style: Style

    /// Creates a series.
    ///
    /// - Parameters:
    ///   - name: The legend entry.
    ///   - x: X values.
    ///   - y: Y values, as many as `x`.
    ///   - style: Line or markers. Default: `.line`.
    public init(name: String, x: [Double], y: [Double], style: Style = .line) {
      precondition(
        x.count == y.count, "LinePlot.Series: \(x.count) x values for \(y.count) y values")
      self.name = name
      self.x = x
      self.y = y
      self.style = style
    }
  }

  /// The title above the plot.
  public var title: String
  /// The x axis label.
  public var xLabel: String
  /// The y axis label.
  public var yLabel: String
  /// The series, drawn in order with the colours of ``palette``.
  public var series: [Series]
  /// Logarithmic x axis (base 10); non-positive x values are left out. Default: `false`.
  public var isLogX: Bool
  /// The x range; `nil` fits the data. Default: `nil`.
  public var xRange: ClosedRange<Double>?
  /// The y range; `nil` fits the data. Default: `nil`.
  public var yRange: ClosedRange<Double>?
  /// Width of the whole picture, in pixels. Default: `640`.
  public var width: Int
  /// Height of the whole picture, in pixels. Default: `400`.
  public var height: Int
  /// Prefix of the SVG's element ids, unique per page when several plots are inlined in one
  /// HTML page. Default: `"plot"`.
  public var identifier: String = "plot"

  /// Series colours (matplotlib's "tab10"), reused in order.
  public static let palette = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
  ]

  /// Creates an empty plot.
  ///
  /// - Parameters:
  ///   - title: The title.
  ///   - xLabel: The x axis label.
  ///   - yLabel: The y axis label.
  ///   - series: The series. Default: none.
  ///   - isLogX: Logarithmic x axis. Default: `false`.
  ///   - width: Picture width, in pixels. Default: `640`.
  ///   - height: Picture height, in pixels. Default: `400`.
  public init(
    title: String, xLabel: String, yLabel: String, series: [Series] = [], isLogX: Bool = false,
    width: Int = 640, height: Int = 400
  ) {
    self.title = title
    self.xLabel = xLabel
    self.yLabel = yLabel
    self.series = series
    self.isLogX = isLogX
    self.width = width
    self.height = height
  }

  /// The plot as an SVG document.
  ///
  /// - Returns: UTF-8 SVG text with a white background, axes, ticks, the series and a legend
  ///   to the right of the axes.
  /// - Complexity: O(*n*) in the number of points.
  public func svg() -> String {
    let legendWidth = 170.0
    let left = 64.0
    let top = 36.0
    let right = Double(width) - legendWidth
    let bottom = Double(height) - 52.0
    let (xLow, xHigh) = xBounds()
    let (yLow, yHigh) = yBounds()
    func px(_ x: Double) -> Double {
      let (v, lo, hi) = isLogX ? (log10(x), log10(xLow), log10(xHigh)) : (x, xLow, xHigh)
      return left + (v - lo) / (hi - lo) * (right - left)
    }
    func py(_ y: Double) -> Double { bottom - (y - yLow) / (yHigh - yLow) * (bottom - top) }

    var out = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" \
      viewBox="0 0 \(width) \(height)" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" \
      font-size="12">
      <rect x="0" y="0" width="\(width)" height="\(height)" fill="#ffffff"/>
      <text x="\(f(Double(width - Int(legendWidth)) / 2 + 20))" y="22" text-anchor="middle" \
      font-size="15">\(Self.escaped(title))</text>

      """
    // Grid, ticks and tick labels.
    let grid = "#e4e4e4"
    for tick in yTicks(yLow, yHigh) {
      let y = f(py(tick))
      out += element("line", ["x1": f(left), "y1": y, "x2": f(right), "y2": y, "stroke": grid])
      out += element(
        "text", ["x": f(left - 6), "y": f(py(tick) + 4), "text-anchor": "end"],
        text: Self.tickLabel(tick))
    }
    for tick in xTicks(xLow, xHigh) {
      let x = f(px(tick))
      out += element("line", ["x1": x, "y1": f(top), "x2": x, "y2": f(bottom), "stroke": grid])
      out += element(
        "line", ["x1": x, "y1": f(bottom), "x2": x, "y2": f(bottom + 5), "stroke": "#000000"])
      out += element(
        "text", ["x": x, "y": f(bottom + 18), "text-anchor": "middle"], text: Self.tickLabel(tick))
    }
    let frame: KeyValuePairs<String, String> = [
      "x": f(left), "y": f(top), "width": f(right - left), "height": f(bottom - top),
    ]
    out += element("rect", frame, extra: ["fill": "none", "stroke": "#000000"])
    out += element(
      "text", ["x": f((left + right) / 2), "y": f(Double(height) - 12), "text-anchor": "middle"],
      text: xLabel)
    let middle = f((top + bottom) / 2)
    out += element(
      "text",
      ["x": "16", "y": middle, "text-anchor": "middle", "transform": "rotate(-90 16 \(middle))"],
      text: yLabel)

    // Series, clipped to the axes.
    out += "<clipPath id=\"\(identifier)-area\">" + element("rect", frame) + "</clipPath>\n"
    out += "<g clip-path=\"url(#\(identifier)-area)\">\n"
    for (index, series) in series.enumerated() {
      let color = Self.palette[index % Self.palette.count]
      let points = zip(series.x, series.y).filter {
        (!isLogX || $0.0 > 0) && $0.0.isFinite && $0.1.isFinite
      }
      if series.style == .line && points.count > 1 {
        let path = points.map { "\(f(px($0.0))),\(f(py($0.1)))" }.joined(separator: " ")
        out += element(
          "polyline", ["points": path, "fill": "none", "stroke": color, "stroke-width": "2"])
      }
      let radius = f(series.style == .markers ? 5 : 2.5)
      for point in points {
        out += element(
          "circle", ["cx": f(px(point.0)), "cy": f(py(point.1)), "r": radius, "fill": color])
      }
    }
    out += "</g>\n"

    // Legend, right of the axes.
    for (index, series) in series.enumerated() {
      let color = Self.palette[index % Self.palette.count]
      let y = top + 8 + Double(index) * 20
      let x = right + 14
      if series.style == .line {
        out += element(
          "line",
          [
            "x1": f(x), "y1": f(y), "x2": f(x + 22), "y2": f(y), "stroke": color,
            "stroke-width": "2",
          ])
      }
      let radius = f(series.style == .markers ? 5 : 2.5)
      out += element("circle", ["cx": f(x + 11), "cy": f(y), "r": radius, "fill": color])
      out += element("text", ["x": f(x + 30), "y": f(y + 4)], text: series.name)
    }
    out += "</svg>\n"
    return out
  }

  private func xBounds() -> (Double, Double) {
    if let xRange { return Self.widened(xRange.lowerBound, xRange.upperBound, log: isLogX) }
    let values = series.flatMap(\.x).filter { $0.isFinite && (!isLogX || $0 > 0) }
    guard let low = values.min(), let high = values.max() else { return isLogX ? (1, 10) : (0, 1) }
    if isLogX {
      return Self.widened(
        pow(10, log10(low).rounded(.down)), pow(10, log10(high).rounded(.up)), log: true)
    }
    return Self.widened(low, high, log: false)
  }

  private func yBounds() -> (Double, Double) {
    if let yRange { return Self.widened(yRange.lowerBound, yRange.upperBound, log: false) }
    let values = series.flatMap(\.y).filter(\.isFinite)
    guard let low = values.min(), let high = values.max() else { return (0, 1) }
    let step = Self.niceStep((high - low) / 5)
    return Self.widened(
      (low / step).rounded(.down) * step, (high / step).rounded(.up) * step, log: false)
  }

  /// Makes an empty range usable.
  private static func widened(_ low: Double, _ high: Double, log: Bool) -> (Double, Double) {
    if high > low { return (low, high) }
    return log ? (low / 10, high * 10) : (low - 1, high + 1)
  }

  private func yTicks(_ low: Double, _ high: Double) -> [Double] {
    Self.linearTicks(low, high)
  }

  private func xTicks(_ low: Double, _ high: Double) -> [Double] {
    guard isLogX else { return Self.linearTicks(low, high) }
    let first = Int(log10(low).rounded(.up))
    let last = Int(log10(high).rounded(.down))
    guard first <= last else { return [low, high] }
    var ticks = (first...last).map { pow(10, Double($0)) }
    if last - first < 2 {
      // Within two decades, label 2 and 5 as well.
      ticks += (first - 1...last).flatMap { e in [2.0, 5.0].map { $0 * pow(10, Double(e)) } }
        .filter { $0 >= low && $0 <= high }
      ticks.sort()
    }
    return ticks
  }

  /// Ticks at multiples of a 1-2-5 step, about six of them.
  static func linearTicks(_ low: Double, _ high: Double) -> [Double] {
    let step = niceStep((high - low) / 5)
    let first = (low / step - 1e-9).rounded(.up)
    let last = (high / step + 1e-9).rounded(.down)
    guard first <= last else { return [] }
    // Multiples computed from integers, so 0.5 + 5 * 0.1 lands on 1, not 0.9999999.
    return stride(from: first, through: last, by: 1).map { $0 == 0 ? 0 : $0 * step }
  }

  /// The 1, 2 or 5 times a power of ten nearest above `raw`.
  static func niceStep(_ raw: Double) -> Double {
    guard raw > 0, raw.isFinite else { return 1 }
    let power = pow(10, log10(raw).rounded(.down))
    let fraction = raw / power
    let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
    return nice * power
  }

  /// A short label: integers plainly, large powers of ten as `1e4`, others with up to 3 decimals.
  static func tickLabel(_ value: Double) -> String {
    if value >= 10_000, log10(value) == log10(value).rounded() {
      return "1e\(Int(log10(value)))"
    }
    if value == value.rounded(), abs(value) < 1e9 { return String(Int(value)) }
    var text = String(format: "%.3f", value)
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text == "-0" ? "0" : text
  }

  /// Escapes `&`, `<`, `>` and `"` for XML text and attributes.
  static func escaped(_ text: String) -> String {
    var out = ""
    for character in text {
      switch character {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      default: out.append(character)
      }
    }
    return out
  }

  private func f(_ value: Double) -> String { String(format: "%.1f", value) }

  /// One SVG element on its own line; attribute values and text are escaped.
  private func element(
    _ name: String, _ attributes: KeyValuePairs<String, String>,
    extra: KeyValuePairs<String, String> = [:], text: String? = nil
  ) -> String {
    var out = "<" + name
    for (key, value) in attributes { out += " \(key)=\"\(Self.escaped(value))\"" }
    for (key, value) in extra { out += " \(key)=\"\(Self.escaped(value))\"" }
    guard let text else { return out + "/>\n" }
    return out + ">" + Self.escaped(text) + "</\(name)>\n"
  }
}
