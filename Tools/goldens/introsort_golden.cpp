// Writes Fixtures/goldens/introsort.json: the order std::sort (GCC's libstdc++) leaves
// elements with equal keys in, for Tests/SegmentationTests/IntroSortTests.swift:
//   g++ -O2 -o introsort_golden Tools/goldens/introsort_golden.cpp
//   ./introsort_golden > Fixtures/goldens/introsort.json
// Keys come from a 32-bit linear congruential generator (state = state * 1664525 + 1013904223,
// key = (state >> 16) % range), so the test builds the same input.
#include <algorithm>
#include <cstdio>
#include <cstdint>
#include <vector>

struct Item {
  int key;
  int index;
};

static void run(int count, int range, uint32_t seed, bool last) {
  std::vector<Item> items(count);
  uint32_t state = seed;
  for (int i = 0; i < count; i++) {
    state = state * 1664525u + 1013904223u;
    items[i] = Item{static_cast<int>((state >> 16) % static_cast<uint32_t>(range)), i};
  }
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.key < b.key; });
  std::printf("    {\"count\": %d, \"range\": %d, \"seed\": %u, \"sorted_indices\": [", count,
              range, seed);
  for (int i = 0; i < count; i++) std::printf(i ? ", %d" : "%d", items[i].index);
  std::printf("]}%s\n", last ? "" : ",");
}

int main() {
  std::printf("{\n  \"file\": \"introsort.json\",\n");
  std::printf("  \"generator\": \"Tools/goldens/introsort_golden.cpp (g++ %d.%d, libstdc++ std::sort)\",\n",
              __GNUC__, __GNUC_MINOR__);
  std::printf("  \"convention\": \"Element i has key (state_i >> 16) %% range, state_0 = seed, "
              "state_{i+1} = state_i * 1664525 + 1013904223 (mod 2^32, state advanced before each key); "
              "sorted_indices lists the elements' indices in std::sort's order by key.\",\n");
  std::printf("  \"cases\": [\n");
  run(10, 3, 1, false);
  run(40, 4, 2, false);
  run(300, 5, 3, false);
  run(1000, 7, 5, false);
  run(300, 1000, 4, true);
  std::printf("  ]\n}\n");
  return 0;
}
