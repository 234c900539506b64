"""The Markdown table of a raccoon.sh work folder: each pipeline's validation AP50 (as
RegionKit printed it and recomputed from its results file), the Python pipeline's AP50 it is
compared with, the difference against the 0.01 target, and how many detections agree.

    python report.py WORK [--markdown FILE]

Rows whose files are missing (a stage not run) are left out.
"""
import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_results import compare  # noqa: E402
from rkpy.data import read_voc  # noqa: E402
from score_results import score  # noqa: E402

# name, results file, log of the RegionKit run, Python reference (results, summary) or None.
ROWS = [
    ("Python pipeline (onnxruntime), box deltas", "python.json", None, None),
    ("Python pipeline (onnxruntime), no box deltas", "python-nodeltas.json", None, None),
    ("RegionKit R-CNN, `--classifier onnx` (no box deltas)", "rcnn-onnx.json", "rcnn-onnx.detect.log",
     "python-nodeltas"),
    ("RegionKit R-CNN, `--classifier command`, box deltas", "rcnn-command.json", "rcnn-command.detect.log", "python"),
    ("RegionKit R-CNN, `--classifier command --no-box-deltas`", "rcnn-command-nodeltas.json",
     "rcnn-command-nodeltas.detect.log", "python-nodeltas"),
    ("RegionKit Fast R-CNN, frozen backbone `net.onnx:conv3`", "fast.json", "fast.detect.log", None),
]


def printed_ap50(log: str):
    """The AP50 `regionkit detect --evaluate` printed (`COCO AP50 0.xxxx`)."""
    if not os.path.exists(log):
        return None
    with open(log, encoding="utf-8") as handle:
        found = re.findall(r"COCO AP50 ([0-9.]+)", handle.read())
    return float(found[-1]) if found else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("work", help="The raccoon.sh work folder.")
    parser.add_argument("--dataset", default=os.environ.get("RACCOON", "../shared/data/raccoon"),
                        help="The raccoon folder. Default: $RACCOON or ../shared/data/raccoon.")
    parser.add_argument("--markdown", help="Also write the table to this file. Default: none.")
    args = parser.parse_args()
    with open(os.path.join(args.work, "net", "net.json"), encoding="utf-8") as handle:
        info = json.load(handle)
    names = set(info["validation_images"])
    dataset = read_voc(args.dataset)

    def results(name):
        path = os.path.join(args.work, name)
        if not os.path.exists(path):
            return None
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)

    lines = ["| pipeline | AP50 printed | AP50 recomputed | Python AP50 | difference | detections matched |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    verdicts = []
    for label, file, log, reference in ROWS:
        found = results(file)
        if found is None:
            continue
        scored = score(dataset, found, names)
        printed = printed_ap50(os.path.join(args.work, log)) if log else None
        python_ap50 = difference = matched = ""
        if reference:
            python_results = results(reference + ".json")
            if python_results is not None:
                python_scored = score(dataset, python_results, names)
                python_ap50 = f"{python_scored['AP50']:.4f}"
                gap = abs(scored["AP50"] - python_scored["AP50"])
                difference = f"{gap:.4f} ({'within' if gap <= 0.01 else 'OVER'} 0.01)"
                verdicts.append(gap <= 0.01)
                agreement = compare(python_results, found)
                matched = f"{agreement['matched']} of {agreement['first']} / {agreement['second']}"
        lines.append(f"| {label} | {'' if printed is None else f'{printed:.4f}'} | {scored['AP50']:.4f} | "
                     f"{python_ap50} | {difference} | {matched} |")
    seconds = info["seconds"]
    lines += ["", f"Network: {info['crop_size']}x{info['crop_size']} crops, {info['context_padding']} px context, "
              f"{info['training']['epochs']} epochs on {len(info['train_images'])} images, trained in "
              f"{seconds['train']:.0f} s ({seconds['total']:.0f} s with data preparation and export; "
              f"{info['crops_trained_per_second']} crops/s), seed {info['training']['seed']}."]
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
    if verdicts:
        print(f"\n{sum(verdicts)} of {len(verdicts)} RegionKit rows within 0.01 of the Python pipeline")


if __name__ == "__main__":
    main()
