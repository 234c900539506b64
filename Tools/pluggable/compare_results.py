"""Compares two COCO results files of the same images (e.g. evaluate_python.py's and
`regionkit detect`'s): how many detections agree (same image and category, every box corner
within --box-tolerance pixels, score within --score-tolerance) and the largest differences.

    python compare_results.py python.json regionkit.json [--box-tolerance 0.01] [--score-tolerance 1e-4]

Exits 0 whatever the agreement (it reports); 2 when a file cannot be read.
"""
import argparse
import json
import sys
from collections import defaultdict


def group(results: list) -> dict:
    """Detections by (image id, category id), best first."""
    by_key = defaultdict(list)
    for r in results:
        by_key[(r["image_id"], r["category_id"])].append((r["bbox"], r["score"]))
    for key in by_key:
        by_key[key].sort(key=lambda item: -item[1])
    return by_key


def compare(first_results: list, second_results: list, box_tolerance: float = 0.01,
            score_tolerance: float = 1e-4) -> dict:
    """Pairs each detection of the first list with the closest unpaired one of the second
    (same image and category, within both tolerances); counts and worst differences."""
    first, second = group(first_results), group(second_results)
    matched = total_first = total_second = 0
    worst_box = worst_score = 0.0
    for key in set(first) | set(second):
        a, b = list(first.get(key, [])), list(second.get(key, []))
        total_first += len(a)
        total_second += len(b)
        for box, score in a:
            best = None
            for j, (other_box, other_score) in enumerate(b):
                box_difference = max(abs(p - q) for p, q in zip(box, other_box))
                score_difference = abs(score - other_score)
                if box_difference <= box_tolerance and score_difference <= score_tolerance:
                    if best is None or (box_difference, score_difference) < best[1:]:
                        best = (j, box_difference, score_difference)
            if best is not None:
                matched += 1
                worst_box = max(worst_box, best[1])
                worst_score = max(worst_score, best[2])
                b.pop(best[0])
    return {"first": total_first, "second": total_second, "matched": matched,
            "max_box_difference": worst_box, "max_score_difference": worst_score}


def load(path: str) -> list:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError) as error:
        print(f"compare_results: {path}: {error}", file=sys.stderr)
        sys.exit(2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("first")
    parser.add_argument("second")
    parser.add_argument("--box-tolerance", type=float, default=0.01, help="Pixels. Default: 0.01.")
    parser.add_argument("--score-tolerance", type=float, default=1e-4, help="Default: 1e-4.")
    args = parser.parse_args()
    print(json.dumps(compare(load(args.first), load(args.second), args.box_tolerance, args.score_tolerance)))


if __name__ == "__main__":
    main()
