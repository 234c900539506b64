"""RegionKit's R-CNN pipeline run in Python on the validation split: the AP50 that RegionKit
should reproduce with the same network and the same proposals file.

For each validation image of RegionKit's seeded split (`DatasetSplit`, same fraction and seed):
decode through libvips, the best 2000 proposals of the file, crops warped with context exactly
as `cropAndWarp`, the exported network (onnxruntime, or PyTorch with --backend torch), the
post-processing of `DetectionPostprocessor` (score 0.05, NMS IoU 0.3, 100 detections) and COCO
AP50 / AP as `COCOEvaluation` (what `regionkit detect --evaluate` and training's validation
print).

Run with Tools/pluggable/.venv (setup.sh):
    python evaluate_python.py DATASET --proposals proposals.jsonl --model OUT \
        [--results python.json] [--summary summary.json] [--no-box-deltas]
"""
import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rkpy import coco_eval  # noqa: E402
from rkpy.classifier import RegionClassifier  # noqa: E402
from rkpy.data import DataError, ProposalFile, read_voc  # noqa: E402
from rkpy.pipeline import Timing, classify_image, postprocess  # noqa: E402
from rkpy.split import dataset_split  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dataset", help="Pascal VOC folder (annotations/ + images/).")
    parser.add_argument("--proposals", required=True, help="The `regionkit propose` .jsonl file.")
    parser.add_argument("--model", required=True, help="A train_cnn.py output folder.")
    parser.add_argument("--backend", choices=["onnxruntime", "torch"], default="onnxruntime",
                        help="Run net.onnx in onnxruntime or net.pt in PyTorch. Default: onnxruntime.")
    parser.add_argument("--no-box-deltas", action="store_true",
                        help="Keep the proposals' boxes (no box regression). Default: apply the deltas.")
    parser.add_argument("--max-proposals", type=int, default=2000, help="Default: 2000.")
    parser.add_argument("--batch-size", type=int, default=256, help="Crops per network call. Default: 256.")
    parser.add_argument("--validation-fraction", type=float, default=0.2, help="Default: 0.2.")
    parser.add_argument("--seed", type=int, default=0, help="The split's seed. Default: 0.")
    parser.add_argument("--threads", type=int, default=2, help="Network threads. Default: 2.")
    parser.add_argument("--results", help="Write the detections as COCO results JSON. Default: none.")
    parser.add_argument("--summary", help="Write AP50, AP, timings as JSON. Default: none.")
    parser.add_argument("--no-deltas-results", metavar="FILE",
                        help="Also post-process without box deltas (same network outputs) and write those "
                             "detections here. Default: none.")
    parser.add_argument("--no-deltas-summary", metavar="FILE",
                        help="The summary of those detections. Default: none.")
    args = parser.parse_args()
    for name, value, low, high in [("--max-proposals", args.max_proposals, 1, 100000),
                                   ("--batch-size", args.batch_size, 1, 65536), ("--threads", args.threads, 1, 256)]:
        if not low <= value <= high:
            parser.error(f"{name} must be between {low} and {high}, got {value}")
    if not 0 <= args.validation_fraction <= 0.99:
        parser.error(f"--validation-fraction must be in [0, 0.99], got {args.validation_fraction}")

    try:
        dataset = read_voc(args.dataset)
        proposals = ProposalFile(args.proposals)
        classify = RegionClassifier(args.model, args.backend, args.threads, not args.no_box_deltas)
    except (DataError, OSError, ValueError, KeyError) as error:
        sys.exit(f"evaluate_python: {error}")
    _, validation = dataset_split(len(dataset.images), args.validation_fraction, args.seed)
    images = [dataset.images[i] for i in validation]
    held = classify.info.get("validation_images")
    if held is not None and held != [image.file_name for image in images]:
        sys.exit("evaluate_python: this split differs from the one the network was trained with "
                 "(--seed / --validation-fraction)")
    timing = Timing()
    variants = {"deltas": not args.no_box_deltas}
    if args.no_deltas_results or args.no_deltas_summary:
        if args.no_box_deltas:
            parser.error("--no-deltas-results and --no-deltas-summary go without --no-box-deltas")
        variants["nodeltas"] = False
    detections = {name: {} for name in variants}
    started = time.perf_counter()
    for image in images:
        try:
            classified = classify_image(dataset, image, proposals, classify, classify.crop_size, classify.padding,
                                        args.max_proposals, args.batch_size, timing)
        except (DataError, RuntimeError) as error:
            sys.exit(f"evaluate_python: {error}")
        for name, use_deltas in variants.items():
            detections[name][image.id] = postprocess(classified, use_deltas, timing=timing)
    seconds = time.perf_counter() - started
    truth = {image.id: [(image.boxes[j], image.category_ids[j], image.difficult[j]) for j in range(len(image.boxes))]
             for image in images}
    outputs = {"deltas": (args.results, args.summary), "nodeltas": (args.no_deltas_results, args.no_deltas_summary)}
    for name, use_deltas in variants.items():
        found = detections[name]
        results = [{"image_id": image_id, "category_id": label,
                    "bbox": [float(box[0]), float(box[1]), float(box[2] - box[0]), float(box[3] - box[1])],
                    "score": score}
                   for image_id, items in found.items() for box, label, score in items]
        scores = coco_eval.evaluate(truth, found, [cid for cid, _ in dataset.categories])
        summary = {
            "images": len(images), "detections": len(results), "AP50": scores["AP50"], "AP": scores["AP"],
            "backend": args.backend, "box_deltas": use_deltas, "threads": args.threads,
            "crops": timing.crops, "seconds": round(seconds, 2),
            "crops_per_second": round(timing.crops / max(seconds, 1e-9), 1),
            "network_crops_per_second": round(timing.crops / max(timing.classify, 1e-9), 1),
            "stage_seconds": {"decode": round(timing.decode, 2), "crop": round(timing.crop, 2),
                              "network": round(timing.classify, 2), "postprocess": round(timing.post, 2)},
        }
        results_file, summary_file = outputs[name]
        if results_file:
            with open(results_file, "w", encoding="utf-8") as handle:
                json.dump(results, handle)
        if summary_file:
            with open(summary_file, "w", encoding="utf-8") as handle:
                json.dump(summary, handle, indent=2)
                handle.write("\n")
        print(f"python pipeline ({args.backend}, {'box deltas' if use_deltas else 'no box deltas'}): "
              f"AP50 {scores['AP50']:.4f} AP {scores['AP']:.4f} on {len(images)} validation images, "
              f"{len(results)} detections; {timing.crops} crops in {seconds:.1f} s "
              f"({summary['crops_per_second']} crops/s end to end, {summary['network_crops_per_second']} "
              "in the network)")

if __name__ == "__main__":
    main()
