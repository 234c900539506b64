import Foundation

/// A POSIX read-write lock: many readers at once, or one writer alone.
final class ReadWriteLock: @unchecked Sendable {
  private let lock: UnsafeMutablePointer<pthread_rwlock_t>

  init() {
    lock = .allocate(capacity: 1)
    let status = pthread_rwlock_init(lock, nil)
    precondition(status == 0, "ReadWriteLock: pthread_rwlock_init failed with \(status)")
  }

  deinit {
    pthread_rwlock_destroy(lock)
    lock.deallocate()
  }

  /// Runs `body` while holding the lock shared with other readers.
  func withReadLock<Value>(_ body: () -> Value) -> Value {
    pthread_rwlock_rdlock(lock)
    defer { pthread_rwlock_unlock(lock) }
    return body()
  }

  /// Runs `body` while holding the lock alone.
  func withWriteLock<Value>(_ body: () -> Value) -> Value {
    pthread_rwlock_wrlock(lock)
    defer { pthread_rwlock_unlock(lock) }
    return body()
  }
}
