import Testing

extension Tag {
  /// Tests that take more than a second or two on a shared 2-core machine: training loops,
  /// full-size photos, end-to-end runs of the built `regionkit` that train or detect, and the
  /// large golden comparisons. `make test` runs them (as CI does); `make test-fast` leaves
  /// them out.
  @Tag public static var slow: Self
}
