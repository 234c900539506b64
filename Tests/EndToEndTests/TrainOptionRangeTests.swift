import Testing

/// Numeric options of every `train` command out of range (zero, negative, NaN, huge) are
/// refused while the command line is parsed, with exit 64 and a message naming the option,
/// before any data is read (parsed in process).
@Suite struct TrainOptionRangeTests {
  @Test(arguments: [
    // Schedule options, shared by the architectures that train in epochs.
    ["classify-localize", "--epochs", "0"], ["fast-rcnn", "--epochs", "-2"],
    ["faster-rcnn", "--epochs", "1000000000"], ["rcnn", "--batch-size", "0"],
    ["classify-localize", "--batch-size", "-1"], ["fast-rcnn", "--learning-rate", "0"],
    ["faster-rcnn", "--learning-rate", "nan"], ["rcnn", "--learning-rate", "1e30"],
    ["classify-localize", "--weight-decay", "-0.1"], ["fast-rcnn", "--weight-decay", "inf"],
    ["rcnn", "--validation-fraction", "1"], ["faster-rcnn", "--validation-fraction", "-0.5"],
    ["classify-localize", "--checkpoint-every", "0"], ["rcnn", "--jobs", "0"],
    ["fast-rcnn", "--jobs", "100000"],
    // R-CNN.
    ["rcnn", "--crop-size", "0"], ["rcnn", "--crop-size", "-16"],
    ["rcnn", "--crop-size", "100000"],
    ["rcnn", "--max-proposals", "0"], ["rcnn", "--max-proposals", "1000000000"],
    ["rcnn", "--classifier", "hog-svm", "--crop-size", "0"],
    ["rcnn", "--classifier", "hog-svm", "--svm-c", "0"],
    ["rcnn", "--classifier", "hog-svm", "--svm-c", "nan"],
    ["rcnn", "--classifier", "hog-svm", "--ridge-lambda", "-1"],
    ["rcnn", "--classifier", "hog-svm", "--ridge-lambda", "1e300"],
    // Fast and Faster R-CNN.
    ["fast-rcnn", "--max-proposals", "0"], ["fast-rcnn", "--rois-per-image", "-4"],
    ["fast-rcnn", "--max-side", "0"], ["faster-rcnn", "--max-side", "1000000"],
    ["fast-rcnn", "--classification-weight", "-1"], ["faster-rcnn", "--box-weight", "nan"],
    ["fast-rcnn", "--background-low", "-0.1"], ["faster-rcnn", "--background-low", "2"],
    ["fast-rcnn", "--std", "0,0,0"], ["faster-rcnn", "--mean", "nan,0,0"],
    ["fast-rcnn", "--pixel-range", "0"], ["faster-rcnn", "--scale-jitter", "0,1"],
    ["faster-rcnn", "--anchor-sizes", "0"], ["faster-rcnn", "--anchor-sizes", "16,nan"],
    ["faster-rcnn", "--anchor-sizes", "100000"], ["faster-rcnn", "--rpn-score-threshold", "2"],
    ["faster-rcnn", "--rpn-score-threshold", "-0.5"],
    ["faster-rcnn", "--rpn-score-threshold", "nan"],
    // Classify-localize.
    ["classify-localize", "--input-size", "0"], ["classify-localize", "--input-size", "100000"],
    ["classify-localize", "--classification-weight", "-1"],
    ["classify-localize", "--box-weight", "inf"], ["classify-localize", "--outlier-fraction", "2"],
    ["classify-localize", "--study-outlier-fraction", "nan"],
    // The objectness re-ranker.
    ["objectness", "--positive-iou", "2"], ["objectness", "--negative-iou", "0"],
    ["objectness", "--negative-iou", "nan"], ["objectness", "--l2", "-1"],
    ["objectness", "--l2", "inf"], ["objectness", "--cue-side", "4"],
    ["objectness", "--cue-side", "1000000000"], ["objectness", "--superpixels", "0"],
    ["objectness", "--superpixels", "1000000000"], ["objectness", "--folds", "1"],
    ["objectness", "--folds", "1000000"], ["objectness", "--bootstrap", "1"],
    ["objectness", "--bootstrap", "1000000000000"], ["objectness", "--limit", "-1"],
    ["objectness", "--per-image", "1"], ["objectness", "--redundancy-exponent", "nan"],
    ["objectness", "--redundancy-exponent", "-1"],
  ])
  func refusedWithTheOptionNamed(arguments: [String]) throws {
    let failure = try #require(
      usageFailure(["train"] + arguments + ["scenes", "-o", "model", "--no-progress"]),
      "\(arguments) was accepted")
    #expect(failure.exitCode == 64, "\(failure.message)")
    let option = try #require(arguments.last { $0.hasPrefix("--") })
    #expect(failure.message.contains(option), "\(failure.message)")
  }

  /// The defaults and values at the edges of the ranges parse.
  @Test(arguments: [
    ["classify-localize"], ["fast-rcnn"], ["faster-rcnn"], ["rcnn"], ["objectness"],
    ["rcnn", "--crop-size", "8", "--max-proposals", "100000", "--jobs", "1"],
    ["rcnn", "--classifier", "hog-svm", "--svm-c", "1e-8", "--ridge-lambda", "1e12"],
    ["faster-rcnn", "--rpn-score-threshold", "1", "--anchor-sizes", "1,8192"],
    ["classify-localize", "--outlier-fraction", "1", "--weight-decay", "0"],
    ["objectness", "--cue-side", "0", "--folds", "2", "--bootstrap", "2", "--per-image", "0"],
  ])
  func edgesAndDefaultsParse(arguments: [String]) {
    let failure = usageFailure(["train"] + arguments + ["scenes", "-o", "model", "--no-progress"])
    #expect(failure == nil, "\(failure?.message ?? "")")
  }
}
