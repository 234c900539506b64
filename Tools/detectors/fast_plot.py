#!/usr/bin/env python3
"""Validation AP50 per epoch of Fast / Faster R-CNN runs as one SVG (no dependencies).

Usage: fast_plot.py OUT.svg LABEL=history.json ..."""
import json
import sys

W, H, L, B = 480, 300, 50, 40
colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"]
runs = []
for arg in sys.argv[2:]:
    label, path = arg.split("=", 1)
    runs.append((label, [(r["epoch"], r["validationAP50"]) for r in json.load(open(path))]))
max_epoch = max(e for _, pts in runs for e, _ in pts)
def x(e): return L + (W - L - 20) * (e - 1) / max(max_epoch - 1, 1)
def y(v): return H - B - (H - B - 20) * v
out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="11">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<line x1="{L}" y1="{y(0)}" x2="{W-20}" y2="{y(0)}" stroke="black"/>',
       f'<line x1="{L}" y1="{y(0)}" x2="{L}" y2="{y(1)}" stroke="black"/>']
for v in [0, 0.25, 0.5, 0.75, 0.9, 1.0]:
    out.append(f'<text x="{L-6}" y="{y(v)+4}" text-anchor="end">{v:g}</text>')
    out.append(f'<line x1="{L}" y1="{y(v)}" x2="{W-20}" y2="{y(v)}" stroke="#ddd"/>')
for e in range(1, max_epoch + 1):
    out.append(f'<text x="{x(e)}" y="{H-B+14}" text-anchor="middle">{e}</text>')
out.append(f'<text x="{(L+W)/2}" y="{H-8}" text-anchor="middle">epoch</text>')
out.append(f'<text x="14" y="{H/2}" transform="rotate(-90 14 {H/2})" text-anchor="middle">validation AP50</text>')
for i, (label, pts) in enumerate(runs):
    c = colors[i % len(colors)]
    path = " ".join(f"{x(e):.1f},{y(v):.1f}" for e, v in pts)
    out.append(f'<polyline points="{path}" fill="none" stroke="{c}" stroke-width="2"/>')
    out.append(f'<text x="{W-30}" y="{y(0)-14-14*i}" text-anchor="end" fill="{c}">{label}</text>')
out.append("</svg>")
open(sys.argv[1], "w").write("\n".join(out))
