"""RegionKit's seeded train/validation split (`DatasetSplit.indices`), bit for bit.

`DatasetSplit` shuffles `0..<count` with Swift's `MutableCollection.shuffle(using:)` driven
by `SplitMix64(seed: seed &+ 0x5EED)` and holds out the first `round(count * fraction)`
(at least one item stays in training). Swift's shuffle is a Fisher–Yates pass from the front
that draws `Int.random(in: 0..<amount)` through `RandomNumberGenerator.next(upperBound:)`,
which is Lemire's "nearly divisionless" method on 64-bit words; both are reproduced here.
"""

MASK64 = (1 << 64) - 1


class SplitMix64:
    """SplitMix64 (Steele, Lea & Flood 2014), as RegionKit's `Boxes.SplitMix64`."""

    def __init__(self, seed: int):
        self.state = seed & MASK64

    def next(self) -> int:
        """The next 64 random bits."""
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def next_below(self, upper_bound: int) -> int:
        """Swift's `next(upperBound:)`: Lemire's method, a uniform integer in [0, upper_bound)."""
        if upper_bound <= 0:
            raise ValueError(f"upper bound must be positive, got {upper_bound}")
        product = self.next() * upper_bound
        if product & MASK64 < upper_bound:
            threshold = ((1 << 64) - upper_bound) % upper_bound
            while product & MASK64 < threshold:
                product = self.next() * upper_bound
        return product >> 64


def swift_shuffle(items: list, generator: SplitMix64) -> None:
    """Swift's `shuffle(using:)` in place: swap position i with i + random(0..<remaining)."""
    amount = len(items)
    index = 0
    while amount > 1:
        offset = generator.next_below(amount)
        amount -= 1
        items[index], items[index + offset] = items[index + offset], items[index]
        index += 1


def dataset_split(count: int, validation_fraction: float, seed: int) -> tuple[list[int], list[int]]:
    """RegionKit's `DatasetSplit.indices(count:validationFraction:seed:)`.

    Args:
        count: Number of dataset images (in RegionKit's order: sorted by file name for VOC).
        validation_fraction: Share held out, clamped to [0, 1] (RegionKit's default 0.2).
        seed: The training seed (RegionKit's default 0).

    Returns:
        (train, validation) index lists, both ascending.
    """
    order = list(range(count))
    swift_shuffle(order, SplitMix64(seed + 0x5EED))
    fraction = min(max(validation_fraction, 0.0), 1.0)
    # Swift's `rounded()` rounds half away from zero; the product is never negative here.
    held = min(int(count * fraction + 0.5), count - 1) if count > 1 else 0
    return sorted(order[held:]), sorted(order[:held])
