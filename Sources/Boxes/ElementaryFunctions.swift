#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

// The platform's libm for the two transcendental functions the box coder needs (the standard
// library has no `log` or `exp` for `Float`).

/// Natural logarithm in single precision.
@inline(__always)
func naturalLogarithm(_ value: Float) -> Float { logf(value) }

/// `e` raised to `value`, in single precision.
@inline(__always)
func exponential(_ value: Float) -> Float { expf(value) }

/// `log(1000 / 16)` in double precision, the value of torchvision's `bbox_xform_clip`.
let logarithmOf1000Over16: Double = log(1000.0 / 16.0)
