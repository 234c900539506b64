#!/usr/bin/env python3
"""Writes the results of Tools/objectness.sh into the documentation.

Usage: objectness_docs.py WORK_DIR PROJECT_ROOT

Reads WORK_DIR/<run>/summary.json (written by `regionkit train objectness --report`) and
replaces the generated blocks of Docs/objectness.md (between `<!-- generated:NAME -->` and
`<!-- end:NAME -->`), copies the AR-versus-N plots to Docs/images/objectness/ and the main
summaries to Docs/objectness/. Standard library only.
"""
import json
import os
import re
import shutil
import sys

METHODS = [("selective-search", "Selective search (fast)"), ("edge-boxes", "EdgeBoxes")]
COUNTS = [100, 300, 1000]


def load(work, name):
    path = os.path.join(work, name, "summary.json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def evaluation(summary, name):
    for e in summary["evaluations"]:
        if e["name"] == name:
            return e
    raise KeyError(name)


def cell(e, n):
    k = e["proposalCounts"].index(n)
    return (
        f"{e['base']['averageRecall'][k]:.3f} ± {e['base']['standardError'][k]:.3f} → "
        f"**{e['reranked']['averageRecall'][k]:.3f}** ± {e['reranked']['standardError'][k]:.3f} "
        f"({e['ratio'][k]:.2f}x ± {e['ratioStandardError'][k]:.2f})"
    )


def ratio(e, n):
    return e["ratio"][e["proposalCounts"].index(n)]


def results_block(work):
    lines = []
    for method, title in METHODS:
        coco, raccoon = load(work, f"{method}-coco-tiny"), load(work, f"{method}-raccoon")
        if coco is None or raccoon is None:
            continue
        lines += [
            f"#### {title}",
            "",
            "AR own ranking ± bootstrap SE → **re-ranked** ± SE (ratio ± SE of the paired resamples).",
            "",
            "| evaluated on | model trained on | images | objects | AR@100 | AR@300 | AR@1000 |",
            "| --- | --- | ---: | ---: | --- | --- | --- |",
        ]
        rows = [e for e in coco["evaluations"] if e["name"].startswith("fold")]
        rows += [evaluation(coco, "all folds"), evaluation(coco, "raccoon")]
        rows += [evaluation(raccoon, "all folds"), evaluation(raccoon, "coco-tiny")]
        for e in rows:
            held = e["name"]
            if held.startswith("fold") or held == "all folds":
                dataset = coco["dataset"] if e in coco["evaluations"] else raccoon["dataset"]
                held = f"{dataset}, {held}"
            lines.append(
                f"| {held} | {e['trainedOn']} | {e['testImages']} | {e['objects']} | "
                + " | ".join(cell(e, n) for n in COUNTS)
                + " |"
            )
        lines.append("")
    return "\n".join(lines)


def targets_block(work):
    lines = [
        "| generator | evaluation | AR@100 ratio (target ≥ 1.25) | AR@300 ratio (≥ 1.1) "
        "| AR@1000 ratio (≥ 0.99) | holds |",
        "| --- | --- | ---: | ---: | ---: | --- |",
    ]
    for method, title in METHODS:
        coco = load(work, f"{method}-coco-tiny")
        if coco is None:
            continue
        for e in [x for x in coco["evaluations"] if x["name"].startswith("fold")] + [
            evaluation(coco, "all folds")
        ]:
            r = [ratio(e, n) for n in COUNTS]
            ok = r[0] >= 1.25 and r[1] >= 1.1 and r[2] >= 0.99
            lines.append(
                f"| {title} | coco-tiny {e['name']} | {r[0]:.2f} | {r[1]:.2f} | {r[2]:.2f} | "
                f"{'yes' if ok else '**no**'} |"
            )
    lines += [
        "",
        "Across datasets the target is not to fall below the own ranking by more than noise "
        "(ratio minus 1 within two standard errors of the paired ratio, or above):",
        "",
        "| generator | evaluation | AR@100 ratio | AR@300 ratio | AR@1000 ratio | holds |",
        "| --- | --- | ---: | ---: | ---: | --- |",
    ]
    for method, title in METHODS:
        for run, name, label in [
            (f"{method}-coco-tiny", "raccoon", "coco-tiny → raccoon"),
            (f"{method}-raccoon", "coco-tiny", "raccoon → coco-tiny"),
        ]:
            summary = load(work, run)
            if summary is None:
                continue
            e = evaluation(summary, name)
            ks = [e["proposalCounts"].index(n) for n in COUNTS]
            parts = [f"{e['ratio'][k]:.2f} ± {e['ratioStandardError'][k]:.2f}" for k in ks]
            ok = all(e["ratio"][k] >= 1 - 2 * e["ratioStandardError"][k] for k in ks)
            lines.append(f"| {title} | {label} | " + " | ".join(parts) + f" | {'yes' if ok else '**no**'} |")
    return "\n".join(lines)


def diagnosis_block(work):
    lines = [
        "| generator | evaluation | AR@100 own | model alone (no diversity) | re-ranked "
        "| mean IoU in the top 100: own | model alone | re-ranked |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for method, title in METHODS:
        for run, name, label in [
            (f"{method}-ablation-pointwise", "all folds", "earlier model, coco-tiny folds"),
            (f"{method}-ablation-pointwise", "raccoon", "earlier model, coco-tiny → raccoon"),
            (f"{method}-coco-tiny", "all folds", "this model, coco-tiny folds"),
            (f"{method}-coco-tiny", "raccoon", "this model, coco-tiny → raccoon"),
        ]:
            summary = load(work, run)
            if summary is None:
                continue
            e = evaluation(summary, name)
            k = e["proposalCounts"].index(100)
            iou = e["meanTopIoU"]
            lines.append(
                f"| {title} | {label} | {e['base']['averageRecall'][k]:.3f} | "
                f"{e['withoutDiversity']['averageRecall'][k]:.3f} | {e['reranked']['averageRecall'][k]:.3f} | "
                f"{iou['base']:.3f} | {iou['without_diversity']:.3f} | {iou['reranked']:.3f} |"
            )
    return "\n".join(lines)


def cost_block(work):
    lines = [
        "| generator | images | generator s/image | cues s/image | ordering s/image | re-ranking / generator |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for method, title in METHODS:
        for run, name, label in [
            (f"{method}-coco-tiny", "all folds", "coco-tiny"),
            (f"{method}-raccoon", "all folds", "raccoon"),
            (f"{method}-ablation-full-size-cues", "all folds", "coco-tiny, cues at full size"),
        ]:
            summary = load(work, run)
            if summary is None:
                continue
            s = evaluation(summary, name)["secondsPerImage"]
            extra = s["cues"] + s["ordering"]
            lines.append(
                f"| {title} | {label} | {s['generator']:.3f} | {s['cues']:.3f} | {s['ordering']:.3f} | "
                f"{100 * extra / s['generator']:.0f} % |"
            )
    return "\n".join(lines)


ABLATIONS = [
    ("ablation-pointwise", "earlier model: IoU ≥ 0.7 / < 0.3 labels, 64 per image, 8 cues with size and linear rank, no diversity"),
    ("ablation-pointwise-diverse", "the same with the diversity step (γ = 2)"),
    ("ablation-recall-target", "average-recall target on every proposal, no balance, same 8 cues, γ = 2"),
    ("ablation-object-balance", "… and object balance"),
    ("coco-tiny", "… and the cues of this model (image cues, log rank, level, score): **this model**"),
    ("ablation-image-cues", "this model with the four image cues only"),
    ("ablation-all-cues", "this model with all eleven cues (size, aspect, centre, both ranks added)"),
    ("ablation-gamma-1", "this model, γ = 1"),
    ("ablation-gamma-4", "this model, γ = 4"),
    ("ablation-full-size-cues", "this model, cues on the full-size image"),
]


def ablations_block(work):
    lines = [
        "| variant | generator | folds AR@100 | AR@300 | AR@1000 | coco-tiny → raccoon AR@100 | AR@300 | AR@1000 |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for suffix, label in ABLATIONS:
        for method, title in METHODS:
            summary = load(work, f"{method}-{suffix}")
            if summary is None:
                continue
            e = evaluation(summary, "all folds")
            row = f"| {label} | {title} | " + " | ".join(f"{ratio(e, n):.2f}x" for n in COUNTS)
            try:
                t = evaluation(summary, "raccoon")
                row += " | " + " | ".join(f"{ratio(t, n):.2f}x" for n in COUNTS) + " |"
            except KeyError:
                row += " | — | — | — |"
            lines.append(row)
    return "\n".join(lines)


def replace_block(text, name, body):
    pattern = re.compile(
        r"(<!-- generated:%s -->\n).*?(<!-- end:%s -->)" % (re.escape(name), re.escape(name)), re.S
    )
    if not pattern.search(text):
        raise SystemExit(f"Docs/objectness.md has no generated:{name} block")
    return pattern.sub(lambda m: m.group(1) + body.rstrip("\n") + "\n" + m.group(2), text)


def main():
    work, root = sys.argv[1], sys.argv[2]
    doc = os.path.join(root, "Docs", "objectness.md")
    with open(doc) as f:
        text = f.read()
    text = replace_block(text, "results", results_block(work))
    text = replace_block(text, "targets", targets_block(work))
    text = replace_block(text, "diagnosis", diagnosis_block(work))
    text = replace_block(text, "cost", cost_block(work))
    text = replace_block(text, "ablations", ablations_block(work))
    with open(doc, "w") as f:
        f.write(text)

    images = os.path.join(root, "Docs", "images", "objectness")
    summaries = os.path.join(root, "Docs", "objectness")
    os.makedirs(images, exist_ok=True)
    os.makedirs(summaries, exist_ok=True)
    for method, _ in METHODS:
        for run, plot, target in [
            (f"{method}-coco-tiny", "all_folds", f"{method}-coco-tiny-folds.svg"),
            (f"{method}-coco-tiny", "raccoon", f"{method}-coco-tiny-to-raccoon.svg"),
            (f"{method}-raccoon", "coco_tiny", f"{method}-raccoon-to-coco-tiny.svg"),
        ]:
            source = os.path.join(work, run, f"ar_vs_proposals_{plot}.svg")
            if os.path.exists(source):
                shutil.copyfile(source, os.path.join(images, target))
        for run in [f"{method}-coco-tiny", f"{method}-raccoon"]:
            source = os.path.join(work, run, "summary.json")
            if os.path.exists(source):
                shutil.copyfile(source, os.path.join(summaries, f"{run}.json"))


if __name__ == "__main__":
    main()
