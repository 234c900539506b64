import Foundation
import NeuralNet
import ProposalIO
import RegionKitTestSupport
import Testing

@testable import Detectors

#if canImport(Glibc)
  import Glibc
#endif

/// Out-of-process classifiers: the protocol with `/bin/sh` scripts made in a temporary folder,
/// one per way a classifier can fail, each with a short time limit.
@Suite struct CommandClassifierTests {
  /// A handshake line for one class, crop size 8.
  static func handshakeLine(
    classes: [String] = ["thing"], order: String = "rgb", deltas: Bool = false
  ) -> String {
    let names = classes.map { "\"\($0)\"" }.joined(separator: ",")
    return
      "{\"protocol\":\"regionkit-classifier\",\"version\":1,\"classes\":[\(names)],"
      + "\"crop_size\":8,\"channel_order\":\"\(order)\",\"box_deltas\":\(deltas)}"
  }

  /// Two seeded crops `[2, 3, 8, 8]`.
  static let regions = Tensor(
    shape: [2, 3, 8, 8], data: (0..<384).map { Float(($0 * 37) % 101) / 100 })

  /// The bytes of the `.npy` request of ``regions``.
  static var requestBytes: Int {
    NPYHeader(descr: "<f4", shape: [2, 3, 8, 8]).encoded().count + 384 * 4
  }

  /// A temporary folder of scripts and answer files.
  struct Scripts {
    let folder: URL

    init() throws { folder = try Fixtures.temporaryDirectory("command-classifier") }

    /// Writes `body` as a `/bin/sh` script that first records its pid in `pid`, and returns
    /// the command that runs it (`exec`, so the pid is the one RegionKit starts).
    func command(_ name: String, _ body: String) throws -> String {
      let url = folder.appendingPathComponent("\(name).sh")
      let script = "cd '\(folder.path)'\necho $$ > pid\n" + body + "\n"
      try script.write(to: url, atomically: true, encoding: .utf8)
      return "exec /bin/sh '\(url.path)'"
    }

    /// Writes an answer file: a `.npy` header for `descr` and `shape`, then `values`
    /// (`<f4` bytes, or `<f8` when `descr` says so).
    func answer(
      _ name: String, descr: String = "<f4", shape: [Int], values: [Float]
    ) throws {
      var data = NPYHeader(descr: descr, shape: shape).encoded()
      for value in values {
        if descr == "<f8" {
          withUnsafeBytes(of: Double(value).bitPattern.littleEndian) { data.append(contentsOf: $0) }
        } else {
          withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
      }
      try data.write(to: folder.appendingPathComponent(name))
    }

    /// The pid the last script recorded.
    var pid: pid_t? {
      (try? String(contentsOf: folder.appendingPathComponent("pid"), encoding: .utf8))
        .flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
  }

  /// The command, problem and standard error of a command-classifier failure.
  struct Failure {
    var command: String
    var problem: CommandClassifierProblem
    var standardError: String
  }

  func failure(_ body: () throws -> Void) -> Failure? {
    do {
      try body()
    } catch DetectorsError.classifierCommandFailed(let command, let problem, let standardError) {
      return Failure(command: command, problem: problem, standardError: standardError)
    } catch {
      Issue.record("unexpected error \(error)")
    }
    return nil
  }

  /// Whether a process is gone or a zombie of another parent (a process RegionKit started is
  /// reaped before the error is thrown: `kill(pid, 0)` then fails with `ESRCH`).
  func isReaped(_ pid: pid_t?) -> Bool {
    guard let pid else { return false }
    return kill(pid, 0) == -1 && errno == ESRCH
  }

  /// A classifier that answers every batch from `answer.npy` after reading the whole request.
  func answering(
    _ scripts: Scripts, deltas: Bool = false, order: String = "rgb", saveRequest: Bool = false,
    timeout: Double = 5, processes: Int = 1
  ) throws -> CommandClassifier {
    let n = Self.requestBytes
    let read =
      saveRequest
      ? "head -c \(n) > incoming && [ -s incoming ] && mv incoming request.npy"
      : "[ \"$(head -c \(n) | wc -c)\" -eq \(n) ]"
    let command = try scripts.command(
      "answering",
      """
      printf '%s\\n' '\(Self.handshakeLine(order: order, deltas: deltas))'
      while \(read); do cat answer.npy; \(deltas ? "cat deltas.npy;" : "") done
      """)
    return try CommandClassifier(.init(command: command, timeout: timeout, processes: processes))
  }

  // MARK: Working classifiers

  @Test func passesAnswersThroughUnchangedBatchAfterBatch() throws {
    let scripts = try Scripts()
    defer { scripts.remove() }
    let probabilities: [Float] = [0.25, 0.75, 0.9, 0.1]
    let deltas: [Float] = (0..<16).map { Float($0) / 10 - 0.5 }
    try scripts.answer("answer.npy", shape: [2, 2], values: probabilities)
    try scripts.answer("deltas.npy", shape: [2, 8], values: deltas)
    let classifier = try answering(scripts, deltas: true)
    #expect(classifier.classes == ["thing"])
    #expect(
      classifier.handshake
        == CommandClassifierHandshake(classes: ["thing"], cropSize: 8, boxDeltas: true))
    for _ in 0..<3 {
      let answer = try classifier.classify(Self.regions)
      #expect(answer.probabilities == Tensor(shape: [2, 2], data: probabilities))
      #expect(answer.boxDeltas == Tensor(shape: [2, 8], data: deltas))
    }
    let empty = try classifier.classify(Tensor(shape: [0, 3, 8, 8]))
    #expect(empty.probabilities.shape == [0, 2] && empty.boxDeltas?.shape == [0, 8])
  }

  @Test func sendsCropsAsNPYInTheAnnouncedChannelOrder() throws {
    for order in ["rgb", "bgr"] {
      let scripts = try Scripts()
      defer { scripts.remove() }
      try scripts.answer("answer.npy", shape: [2, 2], values: [1, 0, 1, 0])
      let classifier = try answering(scripts, order: order, saveRequest: true)
      _ = try classifier.classify(Self.regions)
      let request = try NPYArray(contentsOf: scripts.folder.appendingPathComponent("request.npy"))
      #expect(request.shape == [2, 3, 8, 8])
      var expected = Self.regions.data
      if order == "bgr" {
        for region in 0..<2 {
          for index in 0..<64 { expected.swapAt(region * 192 + index, region * 192 + 128 + index) }
        }
      }
      #expect(request.values == expected, "\(order)")
    }
  }

  @Test func stopsItsProcessWhenReleased() throws {
    let scripts = try Scripts()
    defer { scripts.remove() }
    try scripts.answer("answer.npy", shape: [2, 2], values: [1, 0, 1, 0])
    var classifier: CommandClassifier? = try answering(scripts)
    let pids = classifier?.processIdentifiers ?? []
    #expect(pids.count == 1 && pids.first == scripts.pid)
    #expect(!isReaped(scripts.pid))
    classifier = nil
    #expect(isReaped(scripts.pid))
  }

  @Test func inheritsNoOtherDescriptorOfRegionKit() throws {
    let scripts = try Scripts()
    defer { scripts.remove() }
    var pair: [Int32] = [-1, -1]
    try #require(pipe(&pair) == 0)  // without close-on-exec, as other libraries may open them
    defer { for fd in pair { close(fd) } }
    var status = stat()
    try #require(fstat(pair[1], &status) == 0)
    let command = try scripts.command(
      "descriptors",
      """
      ls -l /proc/$$/fd | grep -c 'pipe:\\[\(status.st_ino)\\]' > inherited
      printf '%s\\n' '\(Self.handshakeLine())'
      cat > /dev/null
      """)
    _ = try CommandClassifier(.init(command: command, timeout: 5))
    let inherited = try String(
      contentsOf: scripts.folder.appendingPathComponent("inherited"), encoding: .utf8)
    #expect(inherited.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
  }

  @Test func servesConcurrentBatchesFromAPoolOfProcesses() throws {
    let scripts = try Scripts()
    defer { scripts.remove() }
    let probabilities: [Float] = [0.5, 0.5, 0.125, 0.875]
    try scripts.answer("answer.npy", shape: [2, 2], values: probabilities)
    let classifier = try answering(scripts, processes: 2)
    let answers = try orderedParallel(count: 6) { _ in try classifier.classify(Self.regions) }
    #expect(answers.allSatisfy { $0.probabilities.data == probabilities })
    #expect((1...2).contains(classifier.processIdentifiers.count))
  }

  // MARK: Failures

  @Test func namesACommandTheShellCannotFind() throws {
    let command = "/nonexistent/classifier --flag"
    let found = try #require(failure { _ = try CommandClassifier(.init(command: command)) })
    #expect(found.command == command)
    guard case .cannotStart(let reason) = found.problem else {
      Issue.record("\(found.problem)")
      return
    }
    #expect(reason.contains("127"))
    #expect(found.standardError.contains("nonexistent"))
  }

  @Test func reportsAnExitAtStartWithItsStandardError() throws {
    let scripts = try Scripts()
    defer { scripts.remove() }
    let command = try scripts.command("exits", "echo 'model file missing' >&2\nexit 3")
    let found = try #require(failure { _ = try CommandClassifier(.init(command: command)) })
    #expect(found.command == command)
    #expect(found.problem == .exited(status: 3, stage: .handshake))
    #expect(found.standardError == "model file missing")
    #expect(isReaped(scripts.pid))
    let message = DetectorsError.classifierCommandFailed(
      command: found.command, problem: found.problem, standardError: found.standardError
    ).description
    #expect(message.contains("`\(command)` exited with status 3 before finishing its handshake"))
  }

  @Test func timesOutWithoutAHandshake() throws {
    let scripts = try Scripts()
    defer { scripts.remove() }
    let command = try scripts.command("silent", "sleep 30 &\necho $! > child\nwait")
    let start = Date()
    let found = try #require(
      failure { _ = try CommandClassifier(.init(command: command, timeout: 0.3)) })
    #expect(Date().timeIntervalSince(start) < 5)
    #expect(found.command == command)
    #expect(found.problem == .timedOut(seconds: 0.3, stage: .handshake))
    #expect(isReaped(scripts.pid))
    let child = try String(
      contentsOf: scripts.folder.appendingPathComponent("child"), encoding: .utf8)
    #expect(processIsDead(pid_t(child.trimmingCharacters(in: .whitespacesAndNewlines))))
  }

  @Test func timesOutOnABatchItNeverAnswers() throws {
    let scripts = try Scripts()
    defer { scripts.remove() }
    let command = try scripts.command(
      "never-answers", "printf '%s\\n' '\(Self.handshakeLine())'\ncat > /dev/null")
    let classifier = try CommandClassifier(.init(command: command, timeout: 0.3))
    let found = try #require(failure { _ = try classifier.classify(Self.regions) })
    #expect(found.command == command)
    #expect(found.problem == .timedOut(seconds: 0.3, stage: .batch(regions: 2)))
    #expect(isReaped(scripts.pid))
    #expect(classifier.processIdentifiers.isEmpty)
  }

  @Test func reportsDeathBySignalMidBatchWithoutSIGPIPE() throws {
    let scripts = try Scripts()
    defer { scripts.remove() }
    // A request far larger than a pipe: the write fails once the process is gone (EPIPE, no
    // SIGPIPE for the test process).
    let command = try scripts.command(
      "dies",
      """
      printf '%s\\n' '\(Self.handshakeLine())'
      head -c 1000 > /dev/null
      echo 'segmentation fault in the model' >&2
      kill -KILL $$
      """)
    let classifier = try CommandClassifier(.init(command: command, timeout: 5))
    let big = Tensor(shape: [2000, 3, 8, 8], repeating: 0.5)
    let found = try #require(failure { _ = try classifier.classify(big) })
    #expect(found.command == command)
    #expect(found.problem == .killed(signal: SIGKILL, stage: .batch(regions: 2000)))
    #expect(found.standardError == "segmentation fault in the model")
    #expect(isReaped(scripts.pid))
  }

  @Test func reportsAnExitMidBatchAndStartsAFreshProcessAfterwards() throws {
    let scripts = try Scripts()
    defer { scripts.remove() }
    let command = try scripts.command(
      "exits-once",
      """
      printf '%s\\n' '\(Self.handshakeLine())'
      if [ ! -e failed ]; then touch failed; head -c 10 > /dev/null; exit 2; fi
      while [ "$(head -c \(Self.requestBytes) | wc -c)" -eq \(Self.requestBytes) ]; do cat answer.npy; done
      """)
    try scripts.answer("answer.npy", shape: [2, 2], values: [0, 1, 0, 1])
    let classifier = try CommandClassifier(.init(command: command, timeout: 5))
    let found = try #require(failure { _ = try classifier.classify(Self.regions) })
    #expect(found.problem == .exited(status: 2, stage: .batch(regions: 2)))
    #expect(try classifier.classify(Self.regions).probabilities.data == [0, 1, 0, 1])
  }

  @Test(.tags(.slow)) func reportsAProcessThatStopsReadingOrClosesItsOutput() throws {
    let scripts = try Scripts()
    defer { scripts.remove() }
    let handshake = "printf '%s\\n' '\(Self.handshakeLine())'"
    let deaf = try scripts.command("deaf", "\(handshake)\nexec 0<&-\nsleep 30")
    let big = Tensor(shape: [2000, 3, 8, 8], repeating: 0.5)
    let stopped = try #require(
      failure { _ = try CommandClassifier(.init(command: deaf, timeout: 10)).classify(big) })
    #expect(stopped.command == deaf)
    #expect(stopped.problem == .stoppedReading(stage: .batch(regions: 2000)))
    #expect(isReaped(scripts.pid))

    let mute = try scripts.command("mute", "\(handshake)\nexec 1>&-\ncat > /dev/null")
    let closed = try #require(
      failure {
        _ = try CommandClassifier(.init(command: mute, timeout: 10)).classify(Self.regions)
      })
    #expect(closed.command == mute)
    #expect(closed.problem == .closedOutput(stage: .batch(regions: 2)))
    #expect(isReaped(scripts.pid))
  }

  @Test func rejectsAGarbageHandshake() throws {
    let scripts = try Scripts()
    defer { scripts.remove() }
    let command = try scripts.command("garbage", "echo 'Loading model...'\ncat > /dev/null")
    let found = try #require(failure { _ = try CommandClassifier(.init(command: command)) })
    #expect(found.command == command)
    guard case .malformedHandshake(let reason) = found.problem else {
      Issue.record("\(found.problem)")
      return
    }
    #expect(reason.contains("\"Loading model...\"") && reason.contains("standard error"))
    #expect(isReaped(scripts.pid))
  }

  @Test func rejectsAHandshakeWithAMissingKey() throws {
    let scripts = try Scripts()
    defer { scripts.remove() }
    let line = Self.handshakeLine().replacingOccurrences(of: "\"crop_size\":8,", with: "")
    let command = try scripts.command("no-size", "printf '%s\\n' '\(line)'\ncat > /dev/null")
    let found = try #require(failure { _ = try CommandClassifier(.init(command: command)) })
    guard case .malformedHandshake(let reason) = found.problem else {
      Issue.record("\(found.problem)")
      return
    }
    #expect(reason.contains("crop_size"))
  }

  /// Answers with `answer.npy` as written by `write`, and checks the reason of the failure.
  func brokenAnswer(
    _ name: String, expecting fragment: String, deltas: Bool = false,
    write: (Scripts) throws -> Void
  ) throws {
    let scripts = try Scripts()
    defer { scripts.remove() }
    try write(scripts)
    let classifier = try answering(scripts, deltas: deltas)
    let command = classifier.settings.commandLine
    let found = try #require(failure { _ = try classifier.classify(Self.regions) }, "\(name)")
    #expect(found.command == command)
    guard case .malformedAnswer(let reason, let stage) = found.problem else {
      Issue.record("\(name): \(found.problem)")
      return
    }
    #expect(stage == .batch(regions: 2))
    #expect(reason.contains(fragment), "\(name): \(reason)")
    #expect(isReaped(scripts.pid), "\(name)")
  }

  @Test func rejectsAnswersOfTheWrongShape() throws {
    try brokenAnswer("shape", expecting: "probabilities have shape [2, 3], expected [2, 2]") {
      try $0.answer("answer.npy", shape: [2, 3], values: [Float](repeating: 0.5, count: 6))
    }
    try brokenAnswer(
      "deltas", expecting: "box deltas have shape [2, 4], expected [2, 8]", deltas: true
    ) {
      try $0.answer("answer.npy", shape: [2, 2], values: [1, 0, 1, 0])
      try $0.answer("deltas.npy", shape: [2, 4], values: [Float](repeating: 0, count: 8))
    }
  }

  @Test func rejectsAnswersOfTheWrongDtype() throws {
    try brokenAnswer("dtype", expecting: "dtype <f8; the protocol needs <f4") {
      try $0.answer("answer.npy", descr: "<f8", shape: [2, 2], values: [1, 0, 1, 0])
    }
  }

  @Test func rejectsNaNAndInfinity() throws {
    try brokenAnswer("nan", expecting: "probabilities[1, 0] is nan") {
      try $0.answer("answer.npy", shape: [2, 2], values: [1, 0, .nan, 0])
    }
    try brokenAnswer("inf", expecting: "box deltas[0, 3] is inf", deltas: true) {
      try $0.answer("answer.npy", shape: [2, 2], values: [1, 0, 1, 0])
      try $0.answer(
        "deltas.npy", shape: [2, 8], values: [0, 0, 0, .infinity] + Array(repeating: 0, count: 12))
    }
  }

  @Test func rejectsAnAnswerShorterThanItsHeader() throws {
    let scripts = try Scripts()
    defer { scripts.remove() }
    try scripts.answer("answer.npy", shape: [2, 2], values: [1, 0])
    let command = try scripts.command(
      "short",
      """
      printf '%s\\n' '\(Self.handshakeLine())'
      head -c \(Self.requestBytes) > /dev/null
      cat answer.npy
      """)
    let classifier = try CommandClassifier(.init(command: command, timeout: 5))
    let found = try #require(failure { _ = try classifier.classify(Self.regions) })
    #expect(found.command == command)
    guard case .malformedAnswer(let reason, _) = found.problem else {
      Issue.record("\(found.problem)")
      return
    }
    #expect(reason.contains("after 8 of the 16 data bytes its header announces"), "\(reason)")
  }

  @Test func rejectsTextOnStandardOutput() throws {
    try brokenAnswer(
      "text", expecting: "do not start with the .npy magic \\x93NUMPY but with \"debug:"
    ) {
      try Data("debug: batch received\n".utf8).write(
        to: $0.folder.appendingPathComponent("answer.npy"))
    }
  }

  @Test func rejectsBytesAfterAnAnswer() throws {
    try brokenAnswer("extra", expecting: "after its") {
      var data = NPYHeader(descr: "<f4", shape: [2, 2]).encoded()
      for value: Float in [1, 0, 1, 0] {
        withUnsafeBytes(of: value) { data.append(contentsOf: $0) }
      }
      data.append(contentsOf: Array("done\n".utf8))
      try data.write(to: $0.folder.appendingPathComponent("answer.npy"))
    }
  }

  @Test func drainsALotOfStandardErrorWithoutBlocking() throws {
    let scripts = try Scripts()
    defer { scripts.remove() }
    try scripts.answer("answer.npy", shape: [2, 2], values: [1, 0, 1, 0])
    // 2 MB of standard error before the handshake and during every batch: far more than a
    // pipe holds, so the process blocks unless RegionKit reads it.
    let noise = "head -c 2000000 /dev/zero | tr '\\0' 'x' >&2; echo >&2"
    let command = try scripts.command(
      "noisy",
      """
      \(noise)
      printf '%s\\n' '\(Self.handshakeLine())'
      n=0
      while [ "$(head -c \(Self.requestBytes) | wc -c)" -eq \(Self.requestBytes) ]; do
        \(noise)
        n=$((n + 1))
        if [ $n -eq 3 ]; then i=0; while [ $i -lt 50 ]; do echo "line $i" >&2; i=$((i + 1)); done; exit 4; fi
        cat answer.npy
      done
      """)
    let classifier = try CommandClassifier(.init(command: command, timeout: 20))
    for _ in 0..<2 {
      #expect(try classifier.classify(Self.regions).probabilities.data == [1, 0, 1, 0])
    }
    let found = try #require(failure { _ = try classifier.classify(Self.regions) })
    #expect(found.problem == .exited(status: 4, stage: .batch(regions: 2)))
    let lines = found.standardError.split(separator: "\n")
    #expect(lines.first == "…" && lines.count == CommandProcess.quotedErrorLines + 1)
    #expect(lines.last == "line 49")
  }

  @Test func rejectsRegionsOfAnotherSize() throws {
    let scripts = try Scripts()
    defer { scripts.remove() }
    try scripts.answer("answer.npy", shape: [2, 2], values: [1, 0, 1, 0])
    let classifier = try answering(scripts)
    let found = try #require(
      failure { _ = try classifier.classify(Tensor(shape: [2, 3, 16, 16])) })
    #expect(found.problem == .unexpectedRegions(shape: [2, 3, 16, 16], expected: "[R, 3, 8, 8]"))
  }

  @Test func rejectsAPoolProcessWithAnotherHandshake() throws {
    let scripts = try Scripts()
    defer { scripts.remove() }
    try scripts.answer("answer.npy", shape: [2, 2], values: [1, 0, 1, 0])
    let command = try scripts.command(
      "changes",
      """
      if [ -e started ]; then name=other; else touch started; name=thing; fi
      printf '%s\\n' "$(echo '\(Self.handshakeLine())' | sed "s/thing/$name/")"
      while [ "$(head -c \(Self.requestBytes) | wc -c)" -eq \(Self.requestBytes) ]; do
        sleep 0.5; cat answer.npy
      done
      """)
    let classifier = try CommandClassifier(.init(command: command, timeout: 5, processes: 2))
    let results = orderedParallelResults(count: 2) { _ in try classifier.classify(Self.regions) }
    let failures = results.compactMap { result -> Failure? in
      guard case .failure(let error) = result else { return nil }
      return failure { throw error }
    }
    #expect(failures.count == 1)
    guard case .handshakeMismatch(let key, _, _, let source) = failures.first?.problem else {
      Issue.record("\(failures)")
      return
    }
    #expect(key == "the handshake" && source == "its first process")
  }

  @Test func refusesSettingsOutOfRange() {
    #expect(throws: DetectorsError.self) { _ = try CommandClassifier(.init(command: "  ")) }
    #expect(throws: DetectorsError.self) {
      _ = try CommandClassifier(.init(command: "true", timeout: 0))
    }
    #expect(throws: DetectorsError.self) {
      _ = try CommandClassifier(.init(command: "true", processes: 0))
    }
  }

  // MARK: Helpers

  /// Whether a process no longer runs (gone, or a zombie waiting for its new parent).
  func processIsDead(_ pid: pid_t?) -> Bool {
    guard let pid else { return false }
    let deadline = Date().addingTimeInterval(2)
    while Date() < deadline {
      guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else {
        return true
      }
      if let state = stat.split(separator: ")").last?.split(separator: " ").first, state == "Z" {
        return true
      }
      usleep(20_000)
    }
    return false
  }

  /// `body` for `0..<count` on as many threads, results in order.
  func orderedParallelResults<T: Sendable>(
    count: Int, _ body: @escaping @Sendable (Int) throws -> T
  ) -> [Result<T, any Error>] {
    let results = ResultsBox<T>(count: count)
    let group = DispatchGroup()
    for index in 0..<count {
      group.enter()
      Thread {
        results.set(index, Result { try body(index) })
        group.leave()
      }.start()
    }
    group.wait()
    return results.values
  }

  func orderedParallel<T: Sendable>(count: Int, _ body: @escaping @Sendable (Int) throws -> T)
    throws -> [T]
  {
    try orderedParallelResults(count: count, body).map { try $0.get() }
  }
}

/// Results written by several threads.
private final class ResultsBox<T: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var storage: [Result<T, any Error>?]

  init(count: Int) { storage = Array(repeating: nil, count: count) }

  func set(_ index: Int, _ value: Result<T, any Error>) { lock.withLock { storage[index] = value } }

  var values: [Result<T, any Error>] { lock.withLock { storage.compactMap { $0 } } }
}
