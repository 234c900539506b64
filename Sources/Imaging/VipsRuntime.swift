import CVips
import Foundation

/// Pointer to a libvips image this code owns one reference to.
typealias VipsImagePointer = UnsafeMutablePointer<VipsImage>

/// The process-wide libvips start-up, error buffer and reference handling (internal).
///
/// **Error messages under concurrency.** libvips 8.14 keeps one error buffer for the whole
/// process, so clearing it in one thread can wipe the message another thread is about to read.
/// Calls therefore run in two passes (``run(_:)``): a fast pass that never touches the buffer,
/// and, only when that pass fails, a second pass under a lock that clears the buffer before
/// each call and copies it right after a call returns -1, so the message belongs to this input.
/// Failures are rare, so the lock costs nothing on the happy path; a message from another
/// thread's concurrent fast-pass failure may still be appended to ours.
///
/// `VIPS_INIT` runs once, lazily and thread-safely (a Swift global `let` is initialised under
/// `swift_once`). The operation cache is kept small rather than off: it only helps when the
/// same operation runs twice on the same object, which image-by-image processing rarely does,
/// and a large cache holds decoded pixels and open files alive.
enum VipsRuntime {
  /// Most operations the libvips cache keeps.
  static let cacheMaxOperations: Int32 = 16
  /// Most bytes of pixels the libvips cache keeps (32 MiB).
  static let cacheMaxMemory = 32 * 1024 * 1024

  private struct Startup: Sendable {
    let failure: String?
  }

  private static let startup: Startup = {
    if rk_vips_init("regionkit") != 0 {
      return Startup(failure: copyErrorBuffer())
    }
    vips_cache_set_max(cacheMaxOperations)
    vips_cache_set_max_mem(cacheMaxMemory)
    return Startup(failure: nil)
  }()

  /// Starts libvips on first use.
  ///
  /// - Throws: ``ImagingError/libraryUnavailable(reason:)`` when `VIPS_INIT` failed.
  static func start() throws(ImagingError) {
    if let failure = startup.failure {
      throw .libraryUnavailable(reason: failure)
    }
  }

  /// Whether this thread runs the diagnosing pass of ``run(_:)``.
  @TaskLocal private static var isDiagnosing = false

  /// Normal passes share it; a diagnosing pass holds it exclusively, so no other thread's
  /// libvips call can add to, clear or freeze (`vips_error_freeze`, used while sniffing
  /// formats) the process-wide error buffer while the diagnosing pass reads it.
  private static let exclusion = ReadWriteLock()

  /// Runs a sequence of libvips calls; when it fails, runs it again alone to get libvips'
  /// own message for this input (see the type's notes). Not reentrant: `body` must not call
  /// `run` itself.
  static func run<Value>(_ body: () throws(ImagingError) -> Value) throws(ImagingError) -> Value {
    let first = exclusion.withReadLock { Result(catching: body) }
    if case .success(let value) = first { return value }
    let result: Result<Value, ImagingError> = exclusion.withWriteLock {
      $isDiagnosing.withValue(true) { Result(catching: body) }
    }
    return try result.get()
  }

  /// Empties the libvips error buffer (diagnosing pass only), so that the next message
  /// belongs to the next call.
  static func clearError() {
    if isDiagnosing { vips_error_clear() }
  }

  /// The libvips error buffer as one line, then cleared: read right after a call returns -1.
  /// In the fast pass it is a generic message and the buffer is left alone.
  static func takeErrorMessage() -> String {
    isDiagnosing ? copyErrorBuffer() : "libvips call failed"
  }

  private static func copyErrorBuffer() -> String {
    guard let copy = vips_error_buffer_copy() else { return "unknown libvips error" }
    defer { g_free(copy) }
    let text = String(cString: copy)
      .split(whereSeparator: \.isNewline)
      .map { $0.trimmingCharacters(in: .whitespaces) }
      .filter { !$0.isEmpty }
      .joined(separator: "; ")
    return text.isEmpty ? "unknown libvips error" : text
  }

  /// Drops this code's reference to `image`.
  static func release(_ image: VipsImagePointer) {
    g_object_unref(UnsafeMutableRawPointer(image))
  }

  /// Runs one libvips operation that reads `input` and writes a new image, consuming the
  /// reference to `input` (the output holds its own reference when it needs one).
  ///
  /// - Returns: the output image, or the libvips message when the call returned non-zero.
  static func transform(
    _ input: VipsImagePointer,
    _ operation: (VipsImagePointer, UnsafeMutablePointer<UnsafeMutablePointer<VipsImage>?>) -> Int32
  ) -> Result<VipsImagePointer, VipsFailure> {
    defer { release(input) }
    clearError()
    var output: UnsafeMutablePointer<VipsImage>?
    if operation(input, &output) != 0 {
      let message = takeErrorMessage()
      if let output { release(output) }
      return .failure(VipsFailure(message: message))
    }
    guard let output else { return .failure(VipsFailure(message: "libvips returned no image")) }
    return .success(output)
  }
}

/// A libvips message from a failed call, before it is turned into an ``ImagingError``.
struct VipsFailure: Error {
  let message: String
}
