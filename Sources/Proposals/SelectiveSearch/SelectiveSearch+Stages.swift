import Imaging
import Parallel
import Segmentation

extension SelectiveSearch {
  /// The colour-space jobs of ``hierarchies(for:)``.
  enum SpaceStage: Equatable {
    /// Band `band` of the edge graphs (conversion, blur and edges of its rows).
    case graphBand(Int)
    /// The per-pixel histogram bins.
    case bins
    /// The sort of the packed edge graphs.
    case sort
    /// The merge passes of segmentation key `index` of the space, on the sorted graph.
    case merge(Int)
    /// The initial regions' histogram counts over the first half of the pixels (on several
    /// threads).
    case firstHalfCounts
    /// The counts over the second half added to the first's (on one thread: over all
    /// pixels), and the initial regions.
    case initialRegions
  }

  /// The colour-space jobs in the order they are handed out, for spaces with `keyCounts[s]`
  /// segmentation keys. On one thread: per space its bins, graph bands, sort, merges and one
  /// counting job, so the bins' scratch buffers are gone before the edges are taken and a
  /// space's bins and label maps are freed before the next space starts (the peak memory of
  /// one space). With `parallel` (several threads): the bands first, so both threads start
  /// on them, and two counting jobs per space (one half of the pixels each), placed after
  /// the next space's bands and bins, so a worker rarely waits for a merge still running.
  static func spaceStages(keyCounts: [Int], parallel: Bool) -> [(SpaceStage, Int)] {
    var order: [(SpaceStage, Int)] = []
    for (space, keyCount) in keyCounts.enumerated() {
      let bands = (0..<graphBands).map { (SpaceStage.graphBand($0), space) }
      order += parallel ? bands + [(.bins, space)] : [(.bins, space)] + bands
      if parallel && space > 0 {
        order += [(.firstHalfCounts, space - 1), (.initialRegions, space - 1)]
      }
      order.append((.sort, space))
      order += (0..<keyCount).map { (.merge($0), space) }
      if !parallel { order.append((.initialRegions, space)) }
    }
    if parallel, let last = keyCounts.indices.last {
      order += [(.firstHalfCounts, last), (.initialRegions, last)]
    }
    return order
  }

  /// The edge graphs are built in two bands of rows, packed by two jobs (so two threads
  /// share a colour space's graph; the result is the same for any band count).
  static let graphBands = 2

  /// The jobs of one image's hierarchies and the hand-over between them: the scheduling of
  /// ``hierarchies(for:)``, apart from the steps it runs (`SelectiveSearch+Plan.swift`).
  ///
  /// Job `j < stages.count` runs the colour-space stage `stages[j]`
  /// (``spaceStages(keyCounts:parallel:)``); job `stages.count + i` groups strategy `i`. All run
  /// in one
  /// ``/Parallel/orderedParallelMap(count:threads:_:)`` with no barrier. Each hand-over is a
  /// ``/Parallel/ResultSlots`` slot that knows its readers, so bins, label maps and edges are
  /// freed as soon as their last reader is done. Producers come before their consumers in the
  /// job order (groupings last), so a waiting job always waits for one that is running.
  struct HierarchyJobs {
    let search: SelectiveSearch
    let plan: Plan
    let image: Image
    /// Whether the jobs run on several threads (two counting jobs per space instead of one).
    let parallel: Bool
    /// The colour-space stages, in job order.
    let stages: [(SpaceStage, Int)]
    /// The edge graphs of each space (``edgeGraphs(of:plan:)``).
    let graphs: [[FelzenszwalbGraph]]
    /// One slot per space and band: the band is packed.
    let packedBands: ResultSlots<Void>
    /// One slot per space: its per-pixel bins, read by its counting jobs.
    let bins: ResultSlots<PixelBins>
    /// One slot per space: its sorted graphs, read by its merge jobs.
    let sortedGraphs: ResultSlots<[FelzenszwalbGraph.Sorted]>
    /// One slot per key (flat index): its segmentation, read by the space's counting jobs.
    let segmentations: ResultSlots<SegmentationResult>
    /// One slot per space: the counts over the first half of the pixels (several threads).
    let firstHalf: ResultSlots<[RegionHistograms.Counts]>
    /// One slot per space: its initial regions, read by its strategies' groupings.
    let initial: ResultSlots<[InitialRegions]>

    /// Prepares the jobs of `plan` for `image` (the edge graphs and the empty slots).
    ///
    /// - Throws: ``/Segmentation/SegmentationError`` for an image the graphs reject.
    init(search: SelectiveSearch, plan: Plan, image: Image) throws {
      self.search = search
      self.plan = plan
      self.image = image
      parallel = search.threads > 1
      stages = SelectiveSearch.spaceStages(keyCounts: plan.keys.map(\.count), parallel: parallel)
      graphs = try SelectiveSearch.edgeGraphs(of: image, plan: plan)
      let spaceCount = plan.spaces.count
      packedBands = ResultSlots(readers: Array(repeating: 1, count: spaceCount * graphBands))
      // On several threads two jobs count the initial regions' histograms (one half of the
      // pixels each); on one thread one job counts all.
      let counters = parallel ? 2 : 1
      bins = ResultSlots(readers: Array(repeating: counters, count: spaceCount))
      sortedGraphs = ResultSlots(readers: plan.keys.map(\.count))
      segmentations = ResultSlots(
        readers: Array(repeating: counters, count: plan.segmenters.count))
      firstHalf = ResultSlots(readers: Array(repeating: 1, count: spaceCount))
      initial = ResultSlots(
        readers: plan.spaces.indices.map { space in plan.strategySpaces.count { $0 == space } })
    }

    /// The number of pixels of the image.
    var pixels: Int { image.width * image.height }

    /// Runs every job on up to `threads` threads.
    ///
    /// - Returns: The merge hierarchy of each strategy, in strategy order.
    func run(threads: Int) throws -> [MergeHierarchy] {
      let results = try orderedParallelMap(
        count: stages.count + search.strategies.count, threads: threads
      ) { job in try run(job) }
      return results.dropFirst(stages.count).map { $0! }
    }

    /// Runs job `job`: takes its inputs from the slots, runs its step and puts its output.
    ///
    /// - Returns: The hierarchy for a grouping job, `nil` for a colour-space stage.
    func run(_ job: Int) throws -> MergeHierarchy? {
      guard job < stages.count else {
        let index = job - stages.count
        let start = try initial.take(plan.strategySpaces[index])[plan.strategyKeys[index]]
        return search.grouping(strategy: index, from: start, pixels: pixels)
      }
      let (stage, space) = stages[job]
      switch stage {
      case .graphBand(let band):
        packedBands.put(space * graphBands + band) {
          for graph in graphs[space] { graph.pack(band: band) }
        }
      case .bins:
        bins.put(space) { PixelBins(rgb: image, space: plan.spaces[space]) }
      case .sort:
        sortedGraphs.put(space) {
          for band in 0..<graphBands { try packedBands.take(space * graphBands + band) }
          return graphs[space].map { $0.sorted() }
        }
      case .merge(let index):
        let key = plan.firstKey[space] + index
        segmentations.put(key) {
          let sorted = try sortedGraphs.take(space)
          return SelectiveSearch.segmentation(plan.segmenters[key], sortedGraphs: sorted)
        }
      case .firstHalfCounts:
        firstHalf.put(space) {
          let (spaceBins, segmented) = try inputs(space)
          return SelectiveSearch.histogramCounts(
            of: segmented, bins: spaceBins, reads: plan.reads[space], pixels: 0..<(pixels / 2))
        }
      case .initialRegions:
        initial.put(space) {
          // The bins and label maps go once the counting jobs are done with them.
          let (spaceBins, segmented) = try inputs(space)
          var total = SelectiveSearch.histogramCounts(
            of: segmented, bins: spaceBins, reads: plan.reads[space],
            pixels: parallel ? (pixels / 2)..<pixels : 0..<pixels)
          if parallel {
            let first = try firstHalf.take(space)
            for index in total.indices { total[index].add(first[index]) }
          }
          return SelectiveSearch.initialRegions(
            of: segmented, counts: &total, channels: spaceBins.channels)
        }
      }
      return nil
    }

    /// The bins and the segmentations of `space` (one read of each slot).
    private func inputs(_ space: Int) throws -> (PixelBins, [SegmentationResult]) {
      (try bins.take(space), try plan.keyRange(of: space).map(segmentations.take))
    }
  }
}
