import Imaging
import Parallel
import Segmentation

extension SelectiveSearch {
  /// The jobs of ``hierarchies(for:)``: the stages of each colour space and the groupings.
  enum SpaceStage: Equatable {
    /// Band `band` of the edge graphs (conversion, blur and edges of its rows).
    case graphBand(Int)
    /// The sort of the packed edge graphs.
    case sort
    /// The merge passes of segmentation key `index` of the space, on the sorted graph.
    case merge(Int)
    /// The per-pixel histogram bins (in bands of rows, on several threads).
    case bins
    /// The initial regions' histogram counts over the first half of the pixels (on several
    /// threads).
    case firstHalfCounts
    /// The counts over the second half added to the first's (on one thread: over all
    /// pixels), and the initial regions.
    case initialRegions
    /// The grouping of strategy `index` (one of the space's).
    case grouping(Int)
  }

  /// The jobs in the order they are handed out, for spaces with `keyCounts[s]` segmentation
  /// keys and strategies whose spaces are `strategySpaces`.
  ///
  /// The memory-heavy stages of one space run one after the other, and the next space's
  /// start only when the previous space's bins and label maps are gone, so the peak memory is
  /// that of one stage of one space: per space its graph bands, sort and merges (the
  /// graph's edges and the merges' union–find nodes), then its bins (which
  /// ``HierarchyJobs`` make wait for the merges, so they never meet the edges), then its
  /// counting (two jobs, one half of the pixels each, with `parallel`; one job without) and
  /// initial regions. A space's groupings come right after its initial regions, so its
  /// histograms are mostly gone before the next space's merges (on two threads the last
  /// groupings overlap the next space's graph bands).
  static func spaceStages(
    keyCounts: [Int], strategySpaces: [Int], parallel: Bool
  ) -> [(SpaceStage, Int)] {
    var order: [(SpaceStage, Int)] = []
    func groupings(_ space: Int) -> [(SpaceStage, Int)] {
      strategySpaces.indices.filter { strategySpaces[$0] == space }.map { (.grouping($0), space) }
    }
    for (space, keyCount) in keyCounts.enumerated() {
      order += (0..<graphBands).map { (SpaceStage.graphBand($0), space) }
      order.append((.sort, space))
      order += (0..<keyCount).map { (.merge($0), space) }
      order.append((.bins, space))
      if parallel { order.append((.firstHalfCounts, space)) }
      order.append((.initialRegions, space))
      order += groupings(space)
    }
    return order
  }

  /// The edge graphs are built in two bands of rows, packed by two jobs (so two threads
  /// share a colour space's graph; the result is the same for any band count).
  static let graphBands = 2

  /// The jobs of one image's hierarchies and the hand-over between them: the scheduling of
  /// ``hierarchies(for:)``, apart from the steps it runs (`SelectiveSearch+Plan.swift`).
  ///
  /// Job `j` runs stage `stages[j]` (``spaceStages(keyCounts:strategySpaces:parallel:)``). All
  /// run in one ``/Parallel/orderedParallelMap(count:threads:_:)`` with no barrier. Each
  /// hand-over is a ``/Parallel/ResultSlots`` slot that knows its readers, so bins, label maps
  /// and edges are freed as soon as their last reader is done. Two more slots keep the memory
  /// of one space's stages apart: a space's bins wait for its merges to be done (the sorted
  /// graph is then gone), and a space's graph bands wait for the previous space's initial
  /// regions (its bins and label maps are then gone). Producers come before their consumers
  /// and those they wait for in the job order, so a waiting job always waits for one that is
  /// running.
  struct HierarchyJobs {
    let search: SelectiveSearch
    let plan: Plan
    let image: Image
    /// Whether the jobs run on several threads (two counting jobs per space instead of one).
    let parallel: Bool
    /// The stages, in job order.
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
    /// One slot per key (flat index): its merge is done, read by its space's bins.
    let merged: ResultSlots<Void>
    /// One slot per space: its bins and label maps are freed, read by the next space's bands.
    let released: ResultSlots<Void>

    /// Prepares the jobs of `plan` for `image` (the edge graphs and the empty slots).
    ///
    /// - Throws: ``/Segmentation/SegmentationError`` for an image the graphs reject.
    init(search: SelectiveSearch, plan: Plan, image: Image) throws {
      self.search = search
      self.plan = plan
      self.image = image
      parallel = search.threads > 1
      stages = SelectiveSearch.spaceStages(
        keyCounts: plan.keys.map(\.count), strategySpaces: plan.strategySpaces, parallel: parallel)
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
      merged = ResultSlots(readers: Array(repeating: 1, count: plan.segmenters.count))
      released = ResultSlots(readers: Array(repeating: graphBands, count: spaceCount))
    }

    /// The number of pixels of the image.
    var pixels: Int { image.width * image.height }

    /// Runs every job on up to `threads` threads.
    ///
    /// - Returns: The merge hierarchy of each strategy, in strategy order.
    func run(threads: Int) throws -> [MergeHierarchy] {
      let results = try orderedParallelMap(count: stages.count, threads: threads) { job in
        try run(job)
      }
      var hierarchies = [MergeHierarchy?](repeating: nil, count: search.strategies.count)
      for (job, result) in zip(stages, results) {
        if case .grouping(let index) = job.0 { hierarchies[index] = result }
      }
      return hierarchies.map { $0! }
    }

    /// Runs job `job`: takes its inputs from the slots, runs its step and puts its output.
    ///
    /// - Returns: The hierarchy for a grouping job, `nil` for a colour-space stage.
    func run(_ job: Int) throws -> MergeHierarchy? {
      let (stage, space) = stages[job]
      switch stage {
      case .graphBand(let band):
        packedBands.put(space * graphBands + band) {
          if space > 0 { try released.take(space - 1) }
          for graph in graphs[space] { graph.pack(band: band) }
        }
      case .bins:
        bins.put(space) {
          for key in plan.keyRange(of: space) { try merged.take(key) }
          return PixelBins(
            rgb: image, space: plan.spaces[space],
            bands: PixelBins.rowBands(height: image.height, threads: search.threads),
            threads: search.threads)
        }
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
        merged.put(key) {}
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
        released.put(space) {}
      case .grouping(let index):
        let start = try initial.take(space)[plan.strategyKeys[index]]
        return search.grouping(strategy: index, from: start, pixels: pixels)
      }
      return nil
    }

    /// The bins and the segmentations of `space` (one read of each slot).
    private func inputs(_ space: Int) throws -> (PixelBins, [SegmentationResult]) {
      (try bins.take(space), try plan.keyRange(of: space).map(segmentations.take))
    }
  }
}
