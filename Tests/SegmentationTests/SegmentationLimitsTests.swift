import Imaging
import Segmentation
import Testing

/// Parameters are capped so that no value makes an algorithm allocate or iterate without end.
@Suite struct SegmentationLimitsTests {
  let image = Image(width: 8, height: 6, channels: 3, pixels: [Float](repeating: 0.5, count: 144))

  private func field(of error: SegmentationError) -> String? {
    if case .invalidParameter(_, let field, _, _) = error { return field }
    return nil
  }

  @Test func sigmaBeyondTheWidestBlurIsRefused() {
    #expect(throws: SegmentationError.self) {
      try FelzenszwalbSegmentation(sigma: 1e9).segment(image)
    }
    #expect(throws: SegmentationError.self) {
      try SLIC(segments: 4, sigma: Image.maximumBlurSigma * 2).segment(image)
    }
  }

  @Test func kMeansClustersAndIterationsAreCapped() {
    do {
      _ = try KMeansSegmentation(clusters: KMeansSegmentation.maximumClusters + 1).segment(image)
      Issue.record("accepted too many clusters")
    } catch { #expect(field(of: error) == "clusters") }
    do {
      _ = try KMeansSegmentation(clusters: 2, maxIterations: 1_000_000).segment(image)
      Issue.record("accepted too many iterations")
    } catch { #expect(field(of: error) == "maxIterations") }
  }

  @Test func slicSegmentsAtMostThePixels() throws {
    do {
      _ = try SLIC(segments: 49).segment(image)
      Issue.record("accepted more segments than pixels")
    } catch { #expect(field(of: error) == "segments") }
    #expect(try SLIC(segments: 48, iterations: 2).segment(image).labels.count >= 1)
  }
}
