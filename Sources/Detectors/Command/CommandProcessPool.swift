import Foundation

/// The processes of one ``CommandClassifier``: at most `settings.processes` copies of the
/// command, started on demand and reused, each serving one batch at a time.
///
/// The first process starts (and gives its handshake) when the pool is made; more start only
/// when every running one is busy and the limit allows, and each must give the same handshake.
/// A process that fails is killed and dropped; the next batch starts a fresh one. The rest are
/// stopped (``CommandProcess/stop()``) when the pool is released.
final class CommandProcessPool: @unchecked Sendable {
  let settings: CommandClassifier.Settings
  /// The handshake of the first process.
  let handshake: CommandClassifierHandshake
  private let condition = NSCondition()
  private var idle: [CommandProcess]
  private var running: Int

  /// Starts the first process and reads its handshake.
  ///
  /// - Throws: ``DetectorsError/classifierCommandFailed(command:problem:standardError:)``.
  init(settings: CommandClassifier.Settings) throws(DetectorsError) {
    self.settings = settings
    let first = try CommandProcess(command: settings.commandLine)
    handshake = try first.handshake(timeout: settings.timeout)
    idle = [first]
    running = 1
  }

  deinit {
    for process in idle { process.stop() }
  }

  /// The process ids running now (for tests).
  var processIdentifiers: [pid_t] {
    condition.withLock { idle.map(\.pid).sorted() }
  }

  /// Runs `body` with a process of its own: an idle one, a new one when all are busy and fewer
  /// than `settings.processes` run, or the next one to become idle.
  ///
  /// - Throws: `body`'s error (after killing the process), or the start-up errors of a new one.
  func withProcess<T>(_ body: (CommandProcess) throws -> T) throws -> T {
    condition.lock()
    while idle.isEmpty && running >= settings.processes { condition.wait() }
    let process: CommandProcess
    if let available = idle.popLast() {
      condition.unlock()
      process = available
    } else {
      running += 1
      condition.unlock()
      do {
        process = try start()
      } catch {
        release(nil)
        throw error
      }
    }
    do {
      let result = try body(process)
      release(process)
      return result
    } catch {
      process.kill()
      release(nil)
      throw error
    }
  }

  /// A new process whose handshake matches the first one's.
  private func start() throws(DetectorsError) -> CommandProcess {
    let process = try CommandProcess(command: settings.commandLine)
    let other = try process.handshake(timeout: settings.timeout)
    guard other == handshake else {
      process.kill()
      throw DetectorsError.classifierCommandFailed(
        command: settings.commandLine,
        problem: .handshakeMismatch(
          key: "the handshake", announced: other.jsonLine, expected: handshake.jsonLine,
          source: "its first process"),
        standardError: process.standardErrorTail)
    }
    return process
  }

  /// Returns a process to the idle list, or gives up its place (`nil`).
  private func release(_ process: CommandProcess?) {
    condition.withLock {
      if let process { idle.append(process) } else { running -= 1 }
      condition.signal()
    }
  }
}
