import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The classifier processes alive in this process, stopped when it exits.
///
/// Each ``CommandProcess`` registers its process group when started and unregisters it once
/// reaped. At `exit` (an `atexit` handler, installed with the first process) every process
/// still registered has its standard input closed, gets up to one second to exit, and is then
/// killed with its process group and reaped, so no classifier outlives RegionKit after a normal
/// exit. (After RegionKit is killed, a classifier that follows the protocol sees the end of its
/// standard input and exits by itself.)
enum CommandProcessRegistry {
  private static let lock = NSLock()
  nonisolated(unsafe) private static var processes: [pid_t: Int32] = [:]
  private static let installHandler: Void = {
    atexit { CommandProcessRegistry.stopAll() }
  }()

  /// Records a started process and the write end of its standard input.
  static func register(_ pid: pid_t, input: Int32) {
    _ = installHandler
    lock.withLock { processes[pid] = input }
  }

  /// Forgets a process once reaped (or its standard input once closed, with `input: -1`).
  static func update(_ pid: pid_t, input: Int32?) {
    lock.withLock { processes[pid] = input }
  }

  /// The processes still registered (for tests).
  static var live: [pid_t] { lock.withLock { processes.keys.sorted() } }

  /// Closes every registered process's standard input, waits up to a second for them to exit,
  /// then kills the rest with their process groups and reaps them.
  static func stopAll() {
    let remaining = lock.withLock { () -> [pid_t: Int32] in
      defer { processes = [:] }
      return processes
    }
    for input in remaining.values where input >= 0 { close(input) }
    var alive = Set(remaining.keys)
    let deadline = DispatchTime.now().uptimeNanoseconds + 1_000_000_000
    while !alive.isEmpty && DispatchTime.now().uptimeNanoseconds < deadline {
      for pid in alive {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid || (result < 0 && errno == ECHILD) { alive.remove(pid) }
      }
      if !alive.isEmpty { usleep(10_000) }
    }
    for pid in alive {
      kill(-pid, SIGKILL)
      var status: Int32 = 0
      while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }
  }
}
