import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// One running classifier command: `/bin/sh -c COMMAND` in a process group of its own, its
/// standard input, output and error on pipes.
///
/// All reads and writes go through one `poll` loop with a deadline: the request is written
/// while the answer and the standard error are read, so a process that writes much to either
/// stream never blocks on a full pipe, and nothing waits longer than the time limit. Every
/// failure kills the process group, reaps the process and returns a
/// ``DetectorsError/classifierCommandFailed(command:problem:standardError:)`` with the end of
/// its standard error. Used by one thread at a time (``CommandProcessPool`` hands it out).
final class CommandProcess {
  /// The command line, as given to `/bin/sh -c`.
  let command: String
  /// The shell's process id, also the id of the process group.
  let pid: pid_t
  private var input: Int32
  private var output: Int32
  private var errorOutput: Int32
  /// Bytes of standard output not yet consumed.
  private var received: [UInt8] = []
  /// The last bytes of standard error.
  private var errorTail: [UInt8] = []
  private var isReaped = false
  /// Whether standard output reached its end (only while waiting for the exit).
  private var outputEnded = false
  private var waitStatus: Int32?
  private var chunk = [UInt8](repeating: 0, count: 1 << 16)

  /// How long a process may take to exit by itself: after its standard input is closed at
  /// shutdown, after `SIGTERM`, or after it closed a pipe. Default: 1 s.
  static let exitGrace: Double = 1
  /// The pipe capacity asked for the requests (Linux `F_SETPIPE_SZ`): 1 MiB, the default
  /// `/proc/sys/fs/pipe-max-size`; fewer wake-ups per batch than the default 64 KiB.
  static let pipeCapacity: Int32 = 1 << 20
  /// Serialises the creation of pipes and processes.
  private static let spawnLock = NSLock()
  /// Lines of standard error quoted in errors: the last 20 (at most 4000 characters).
  static let quotedErrorLines = 20

  /// Starts `command` with `/bin/sh -c` in a new process group.
  ///
  /// - Throws: ``CommandClassifierProblem/cannotStart(reason:)`` when pipes or the process
  ///   cannot be created.
  init(command: String) throws(DetectorsError) {
    self.command = command
    // Pipes are made and marked close-on-exec under one lock with the spawn, so a process
    // started on another thread never inherits them (which would keep a stdin pipe open).
    Self.spawnLock.lock()
    defer { Self.spawnLock.unlock() }
    var pipes: [[Int32]] = []
    func closeAll() { for pair in pipes { for fd in pair where fd >= 0 { close(fd) } } }
    for _ in 0..<3 {
      var pair: [Int32] = [-1, -1]
      guard pipe(&pair) == 0,
        fcntl(pair[0], F_SETFD, FD_CLOEXEC) == 0, fcntl(pair[1], F_SETFD, FD_CLOEXEC) == 0
      else {
        let reason = String(cString: strerror(errno))
        for fd in pair where fd >= 0 { close(fd) }
        closeAll()
        throw DetectorsError.classifierCommandFailed(
          command: command, problem: .cannotStart(reason: "no pipe: \(reason)"), standardError: "")
      }
      pipes.append(pair)
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, pipes[0][0], 0)
    posix_spawn_file_actions_adddup2(&actions, pipes[1][1], 1)
    posix_spawn_file_actions_adddup2(&actions, pipes[2][1], 2)
    // Nothing else of this process leaks into the child: descriptors opened elsewhere without
    // close-on-exec (another library's pipes) would otherwise stay open as long as it runs.
    for fd in Self.openDescriptors() where fd > 2 {
      posix_spawn_file_actions_addclose(&actions, fd)
    }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setflags(
      &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    posix_spawnattr_setpgroup(&attributes, 0)
    var mask = sigset_t()
    sigemptyset(&mask)
    posix_spawnattr_setsigmask(&attributes, &mask)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD] {
      sigaddset(&defaults, signal)
    }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    let arguments: [UnsafeMutablePointer<CChar>?] =
      [String](["/bin/sh", "-c", command]).map { strdup($0) } + [nil]
    let environment: [UnsafeMutablePointer<CChar>?] =
      ProcessInfo.processInfo.environment.sorted { $0.key < $1.key }
      .map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for pointer in arguments + environment { free(pointer) } }
    var child = pid_t()
    let code = posix_spawn(&child, "/bin/sh", &actions, &attributes, arguments, environment)
    for fd in [pipes[0][0], pipes[1][1], pipes[2][1]] { close(fd) }
    guard code == 0 else {
      for fd in [pipes[0][1], pipes[1][0], pipes[2][0]] { close(fd) }
      throw DetectorsError.classifierCommandFailed(
        command: command, problem: .cannotStart(reason: String(cString: strerror(code))),
        standardError: "")
    }
    pid = child
    (input, output, errorOutput) = (pipes[0][1], pipes[1][0], pipes[2][0])
    for fd in [input, output, errorOutput] {
      _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }
    // F_SETPIPE_SZ (1031) is Linux-only and not exported to Swift; best effort.
    _ = fcntl(input, 1031, Self.pipeCapacity)
    CommandProcessRegistry.register(pid, input: input)
  }

  /// The descriptors open in this process (`/proc/self/fd`), without the one used to list them.
  private static func openDescriptors() -> [Int32] {
    guard let directory = opendir("/proc/self/fd") else { return [] }
    defer { closedir(directory) }
    let own = dirfd(directory)
    var descriptors: [Int32] = []
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
        String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
      }
      if let fd = Int32(name), fd != own { descriptors.append(fd) }
    }
    return descriptors
  }

  deinit {
    if !isReaped { kill() }
    closePipes()
  }

  // MARK: Protocol

  /// Reads the handshake line within `timeout` seconds.
  ///
  /// - Throws: ``DetectorsError/classifierCommandFailed(command:problem:standardError:)``: the
  ///   process exited (status 126 or 127: ``CommandClassifierProblem/cannotStart(reason:)``),
  ///   timed out, or wrote a malformed handshake.
  func handshake(timeout: Double) throws(DetectorsError) -> CommandClassifierHandshake {
    var line: [UInt8] = []
    try exchange(sending: [], timeout: timeout, stage: .handshake) {
      (received: inout [UInt8]) throws(CommandAnswerArray.Violation) -> Bool in
      if let newline = received.firstIndex(of: 10) {
        line = Array(received[..<newline])
        if line.last == 13 { line.removeLast() }
        received.removeFirst(newline + 1)
        return true
      }
      guard received.count <= CommandClassifierHandshake.maximumLength else {
        throw CommandAnswerArray.Violation(
          reason:
            "no end of line in the first \(CommandClassifierHandshake.maximumLength) bytes of "
            + "standard output")
      }
      return false
    }
    do {
      return try CommandClassifierHandshake.parse(line)
    } catch {
      throw fail(error)
    }
  }

  /// Sends one batch (the `.npy` header and data in `request`) and reads the answer within
  /// `timeout` seconds: probabilities `[R, K + 1]`, then box deltas `[R, 4 (K + 1)]` when
  /// `boxDeltas`.
  ///
  /// - Throws: ``DetectorsError/classifierCommandFailed(command:problem:standardError:)``.
  func answer(
    _ request: [UnsafeRawBufferPointer], regions: Int, classes: Int, boxDeltas: Bool,
    timeout: Double
  ) throws(DetectorsError) -> (probabilities: [Float], boxDeltas: [Float]?) {
    let stage = CommandClassifierProblem.Stage.batch(regions: regions)
    try readAvailable(stage: stage)
    guard received.isEmpty else {
      throw fail(
        .malformedAnswer(
          reason:
            "it wrote \(received.count) bytes after its previous answer, starting with "
            + "\(CommandAnswerArray.shown(received)) (standard output carries only the protocol; "
            + "write messages to standard error)",
          stage: stage))
    }
    var probabilities: [Float]?
    var deltas: [Float]?
    try exchange(sending: request, timeout: timeout, stage: stage) {
      (received: inout [UInt8]) throws(CommandAnswerArray.Violation) -> Bool in
      if probabilities == nil {
        probabilities = try CommandAnswerArray.take(
          from: &received, name: "probabilities", shape: [regions, classes + 1])
        guard probabilities != nil else { return false }
      }
      guard boxDeltas else { return true }
      deltas = try CommandAnswerArray.take(
        from: &received, name: "box deltas", shape: [regions, 4 * (classes + 1)])
      return deltas != nil
    }
    guard received.isEmpty else {
      throw fail(
        .malformedAnswer(
          reason:
            "it wrote \(received.count) bytes after its answer, starting with "
            + "\(CommandAnswerArray.shown(received)) (standard output carries only the protocol)",
          stage: stage))
    }
    return (probabilities ?? [], deltas)
  }

  /// Closes the standard input (a classifier that follows the protocol exits then), waits
  /// ``exitGrace``, sends `SIGTERM` to the process group, waits again, then `SIGKILL`s it, and
  /// reaps the process.
  func stop() {
    guard !isReaped else { return }
    closeInput()
    if waitForExit(within: Self.exitGrace) { return }
    _ = Glibc.kill(-pid, SIGTERM)
    if waitForExit(within: Self.exitGrace) { return }
    kill()
  }

  /// Kills the process group with `SIGKILL` and reaps the process.
  func kill() {
    guard !isReaped else { return }
    _ = Glibc.kill(-pid, SIGKILL)
    reap(blocking: true)
  }

  // MARK: I/O

  /// Writes `request` while reading standard output into `received` and standard error into
  /// the tail, until `isComplete` finds the whole answer in `received` (and consumes it).
  private func exchange(
    sending request: [UnsafeRawBufferPointer], timeout: Double,
    stage: CommandClassifierProblem.Stage,
    until isComplete: (inout [UInt8]) throws(CommandAnswerArray.Violation) -> Bool
  ) throws(DetectorsError) {
    let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(timeout * 1e9)
    var segment = 0
    var offset = 0
    while segment < request.count && request[segment].isEmpty { segment += 1 }
    var answered = false
    let blocked = SIGPIPEBlock()
    defer { blocked.restore() }
    while true {
      let sending = segment < request.count
      if answered {
        guard !sending else {
          throw fail(
            .malformedAnswer(
              reason: "it answered before reading the whole request", stage: stage))
        }
        return
      }
      var fds: [pollfd] = []
      if sending { fds.append(pollfd(fd: input, events: Int16(POLLOUT), revents: 0)) }
      fds.append(pollfd(fd: output, events: Int16(POLLIN), revents: 0))
      if errorOutput >= 0 { fds.append(pollfd(fd: errorOutput, events: Int16(POLLIN), revents: 0)) }
      let now = DispatchTime.now().uptimeNanoseconds
      guard now < deadline else { throw fail(.timedOut(seconds: timeout, stage: stage)) }
      let milliseconds = Int32(min((deadline - now + 999_999) / 1_000_000, 3_600_000))
      let ready = poll(&fds, nfds_t(fds.count), milliseconds)
      if ready < 0 {
        if errno == EINTR { continue }
        throw fail(.ioFailure(reason: String(cString: strerror(errno)), stage: stage))
      }
      guard ready > 0 else { continue }
      var index = 0
      if sending {
        if fds[0].revents != 0 {
          while segment < request.count {
            let part = request[segment]
            let written = write(
              input, part.baseAddress! + offset, min(part.count - offset, 1 << 20))
            if written > 0 {
              offset += written
              if offset == part.count {
                segment += 1
                offset = 0
                while segment < request.count && request[segment].isEmpty { segment += 1 }
              }
            } else if written < 0 && errno == EINTR {
              continue
            } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
              break
            } else {
              throw ended(stage: stage, otherwise: .stoppedReading(stage: stage))
            }
          }
        }
        index = 1
      }
      if fds[index].revents != 0 {
        let count = read(output, &chunk, chunk.count)
        if count > 0 {
          received.append(contentsOf: chunk[0..<count])
          do {
            answered = try isComplete(&received)
          } catch {
            throw fail(
              stage == .handshake
                ? .malformedHandshake(reason: error.reason)
                : .malformedAnswer(reason: error.reason, stage: stage))
          }
        } else if count == 0 {
          throw ended(stage: stage, otherwise: .closedOutput(stage: stage))
        } else if errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK {
          throw fail(.ioFailure(reason: String(cString: strerror(errno)), stage: stage))
        }
      }
      if errorOutput >= 0 && fds[index + 1].revents != 0 { readErrorOutput() }
    }
  }

  /// Reads what standard output and standard error hold now, without waiting.
  private func readAvailable(stage: CommandClassifierProblem.Stage) throws(DetectorsError) {
    readErrorOutput()
    while true {
      let count = read(output, &chunk, chunk.count)
      if count > 0 {
        received.append(contentsOf: chunk[0..<count])
      } else if count == 0 {
        throw ended(stage: stage, otherwise: .closedOutput(stage: stage))
      } else if errno == EINTR {
        continue
      } else {
        return
      }
    }
  }

  /// Reads one chunk of standard error into the tail (closing the pipe at its end).
  private func readErrorOutput() {
    guard errorOutput >= 0 else { return }
    let count = read(errorOutput, &chunk, chunk.count)
    if count > 0 {
      errorTail.append(contentsOf: chunk[0..<count])
      if errorTail.count > 32_768 { errorTail.removeFirst(errorTail.count - 16_384) }
    } else if count == 0 || (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
      close(errorOutput)
      errorOutput = -1
    }
  }

  /// The error for a process that closed a pipe: its exit status or signal when it exits
  /// within ``exitGrace`` (a truncated answer when it exited with status 0 mid-answer),
  /// `otherwise` when it keeps running (it is killed then).
  private func ended(
    stage: CommandClassifierProblem.Stage, otherwise: CommandClassifierProblem
  ) -> DetectorsError {
    guard waitForExit(within: Self.exitGrace), let status = waitStatus else {
      return fail(otherwise)
    }
    let signal = status & 0x7F
    if signal != 0 { return fail(.killed(signal: signal, stage: stage)) }
    let code = (status >> 8) & 0xFF
    if stage == .handshake && (code == 126 || code == 127) {
      return fail(
        .cannotStart(
          reason:
            "exit status \(code)\(CommandClassifierProblem.statusNote(code)) before its handshake"
        ))
    }
    if code == 0 && !received.isEmpty && stage != .handshake {
      return fail(
        .malformedAnswer(
          reason:
            "its standard output ended after \(CommandAnswerArray.progress(of: received)) "
            + "(exit status 0)", stage: stage))
    }
    return fail(.exited(status: code, stage: stage))
  }

  /// Kills and reaps the process if it still runs, collects the rest of its standard error
  /// (up to 0.5 s) and returns the error for `problem`.
  private func fail(_ problem: CommandClassifierProblem) -> DetectorsError {
    kill()
    let deadline = DispatchTime.now().uptimeNanoseconds + 500_000_000
    while errorOutput >= 0 && DispatchTime.now().uptimeNanoseconds < deadline {
      var fd = pollfd(fd: errorOutput, events: Int16(POLLIN), revents: 0)
      if poll(&fd, 1, 50) > 0 { readErrorOutput() }
    }
    return DetectorsError.classifierCommandFailed(
      command: command, problem: problem, standardError: standardErrorTail)
  }

  /// The last ``quotedErrorLines`` lines of standard error.
  var standardErrorTail: String {
    let text = String(decoding: errorTail, as: UTF8.self)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
    var quoted = lines.suffix(Self.quotedErrorLines).joined(separator: "\n")
    if quoted.count > 4000 { quoted = "…" + quoted.suffix(4000) }
    return lines.count > Self.quotedErrorLines && !quoted.hasPrefix("…") ? "…\n" + quoted : quoted
  }

  /// Waits up to `seconds` for the process to exit, reading (and dropping) its standard output
  /// and keeping its standard error, so it cannot block on a full pipe. `true` once reaped.
  private func waitForExit(within seconds: Double) -> Bool {
    let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
    while true {
      reap(blocking: false)
      if isReaped { return true }
      guard DispatchTime.now().uptimeNanoseconds < deadline else { return false }
      var fds: [pollfd] = []
      if !outputEnded { fds.append(pollfd(fd: output, events: Int16(POLLIN), revents: 0)) }
      if errorOutput >= 0 { fds.append(pollfd(fd: errorOutput, events: Int16(POLLIN), revents: 0)) }
      guard !fds.isEmpty else {
        usleep(10_000)
        continue
      }
      if poll(&fds, nfds_t(fds.count), 10) > 0 {
        for entry in fds where entry.revents != 0 {
          if entry.fd == errorOutput {
            readErrorOutput()
          } else {
            let count = read(output, &chunk, chunk.count)
            if count > 0 { received.append(contentsOf: chunk[0..<count]) }
            if count == 0 { outputEnded = true }
          }
        }
      }
    }
  }

  /// Collects the exit status (`waitpid`), once.
  private func reap(blocking: Bool) {
    guard !isReaped else { return }
    var status: Int32 = 0
    while true {
      let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
      if result == pid {
        waitStatus = status
        break
      }
      if result < 0 && errno == EINTR { continue }
      if result < 0 && errno == ECHILD {
        waitStatus = nil  // reaped elsewhere: the status is unknown
        break
      }
      return
    }
    isReaped = true
    CommandProcessRegistry.update(pid, input: nil)
  }

  private func closeInput() {
    guard input >= 0 else { return }
    close(input)
    input = -1
    if !isReaped { CommandProcessRegistry.update(pid, input: -1) }
  }

  private func closePipes() {
    closeInput()
    for fd in [output, errorOutput] where fd >= 0 { close(fd) }
    output = -1
    errorOutput = -1
  }
}

/// `SIGPIPE` blocked on the calling thread while writing to a process that may have exited: the
/// write fails with `EPIPE` instead of killing RegionKit, and a `SIGPIPE` left pending by that
/// write is consumed before the thread's signal mask is restored.
private struct SIGPIPEBlock {
  private var previous = sigset_t()
  private var wasBlocked = false

  init() {
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGPIPE)
    pthread_sigmask(SIG_BLOCK, &set, &previous)
    wasBlocked = sigismember(&previous, SIGPIPE) == 1
  }

  func restore() {
    guard !wasBlocked else { return }
    var pending = sigset_t()
    sigpending(&pending)
    if sigismember(&pending, SIGPIPE) == 1 {
      var set = sigset_t()
      sigemptyset(&set)
      sigaddset(&set, SIGPIPE)
      var zero = timespec(tv_sec: 0, tv_nsec: 0)
      _ = sigtimedwait(&set, nil, &zero)
    }
    var previous = previous
    pthread_sigmask(SIG_SETMASK, &previous, nil)
  }
}
