#!/usr/bin/env python3
"""Forward-pass speed of RegionKit's ONNX runtime next to onnxruntime and PyTorch.

ResNet-18 and MobileNetV2 (torchvision, seeded random weights, randomised BatchNorm; see
torchvision_exports.py) at 224x224, batch 1 and 16, with one thread and then two:

  onnxruntime  CPU provider, intra_op_num_threads = threads, inter_op_num_threads = 1, default
               graph optimisations, on the TorchScript export (opset 17, dynamic batch)
  PyTorch      torch.set_num_threads(threads), torch.inference_mode(), eager model
  RegionKit    Benchmarks' ONNXTimer (ComputeThreads.setCount(threads)) on the same export

Every runtime runs in its own fresh process per configuration, so the peak RSS (ru_maxrss of
that child, which includes the interpreter and libraries) is per run. On Linux a child's
ru_maxrss starts from its parent's RSS at the fork, so this driver stays small (no torch, no
numpy: a separate process exports the models and writes the inputs) and reports its own. Each does one untimed
warm-up run and then --iterations timed runs; the table gives the medians, the ratios
RegionKit / onnxruntime and RegionKit / PyTorch, and the peak RSS of each process. OpenBLAS
threads are pinned to 1 (RegionKit threads with its own ComputeThreads); OMP_NUM_THREADS is
the thread count. A runtime that fails shows its error in the table.

  bash Tools/onnx/setup.sh
  (cd Benchmarks && swift build -c release --product ONNXTimer)
  Tools/onnx/.venv/bin/python Tools/onnx/speed.py [--iterations 10] [--threads 1 2] [--batches 1 16]
      [--models resnet18 mobilenet_v2] [--json FILE] [--timer PATH]
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torchvision_exports  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
RUNTIMES = ["onnxruntime", "pytorch", "regionkit"]


# --- Workers (each in a fresh process) --------------------------------------------------------


def time_runs(run, iterations: int) -> dict:
    run()  # warm-up
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return {"median_seconds": statistics.median(times), "times": times}


def onnxruntime_worker(model: str, input_file: str, threads: int, iterations: int) -> dict:
    import numpy as np
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    started = time.perf_counter()
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    load = time.perf_counter() - started
    feed = {session.get_inputs()[0].name: np.load(input_file)}
    result = time_runs(lambda: session.run(None, feed), iterations)
    return {"load_seconds": load, **result, "version": ort.__version__}


def pytorch_worker(name: str, input_file: str, threads: int, iterations: int) -> dict:
    import numpy as np
    import torch

    torch.set_num_threads(threads)
    started = time.perf_counter()
    model = torchvision_exports.seeded_model(name)
    load = time.perf_counter() - started
    x = torch.from_numpy(np.load(input_file))

    def run():
        with torch.inference_mode():
            model(x)

    return {"load_seconds": load, **time_runs(run, iterations), "version": torch.__version__.split("+")[0]}


def prepare(folder: str, models: list, batches: list, size: int) -> None:
    """Exports the models (TorchScript exporter, opset 17, dynamic batch) and writes the inputs."""
    import numpy as np

    for name in models:
        torchvision_exports.export(torchvision_exports.seeded_model(name), os.path.join(folder, f"{name}.onnx"),
                                   "torchscript", 1, size)
    for batch in batches:
        np.save(os.path.join(folder, f"input{batch}.npy"), torchvision_exports.seeded_input(batch, size))


# --- Driver -----------------------------------------------------------------------------------


def in_child(command: list, threads: int) -> dict:
    """Runs `command`, which prints one JSON line, in a fresh process; adds its peak RSS."""
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS="1")
    with tempfile.TemporaryFile(mode="w+") as errors:
        try:
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, env=env, text=True)
        except OSError as error:
            return {"error": f"cannot start {os.path.basename(command[0])}: {error.strerror}"}
        stdout = process.stdout.read()
        process.stdout.close()
        _, status, usage = os.wait4(process.pid, 0)  # this child's own rusage
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        stderr = errors.read()
    if process.returncode != 0:
        lines = stderr.strip().splitlines() or stdout.strip().splitlines()
        return {"error": f"exit code {process.returncode}: " + (lines[-1] if lines else "no message")}
    try:
        result = json.loads(stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"error": f"no JSON line in its output: {stdout[-200:]!r}"}
    result["peak_rss_mb"] = usage.ru_maxrss / 1024  # kilobytes on Linux
    return result


def measure(runtime, name, model_file, input_file, threads, iterations, timer) -> dict:
    if runtime == "regionkit":
        if not os.path.exists(timer):
            return {"error": "no ONNXTimer (cd Benchmarks && swift build -c release --product ONNXTimer)"}
        command = [timer, model_file, input_file, str(threads), str(iterations)]
    else:
        target = model_file if runtime == "onnxruntime" else name
        command = [sys.executable, os.path.abspath(__file__), "--worker", runtime, target, input_file,
                   "--threads", str(threads), "--iterations", str(iterations)]
    return in_child(command, threads)


def driver_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def milliseconds(result) -> str:
    if "error" in result:
        return result["error"].replace("|", "\\|")
    return f"{result['median_seconds'] * 1000:.1f}"


def ratio(ours, theirs) -> str:
    if "error" in ours or "error" in theirs:
        return "-"
    return f"{ours['median_seconds'] / theirs['median_seconds']:.2f}"


def memory(result) -> str:
    return "-" if "error" in result else f"{result['peak_rss_mb']:.0f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=["resnet18", "mobilenet_v2"])
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 16])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--timer", default=os.path.join(ROOT, "Benchmarks/.build/release/ONNXTimer"),
                        help="RegionKit's timer executable")
    parser.add_argument("--worker", nargs=3, metavar=("RUNTIME", "MODEL", "INPUT"), help=argparse.SUPPRESS)
    parser.add_argument("--prepare", metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.prepare, args.models, args.batches, args.size)
        return 0
    if args.worker:
        runtime, target, input_file = args.worker
        worker = onnxruntime_worker if runtime == "onnxruntime" else pytorch_worker
        print(json.dumps(worker(target, input_file, args.threads[0], args.iterations)))
        return 0

    folder = tempfile.mkdtemp(prefix="onnx-speed-")
    try:
        results = run_all(args, folder)
    finally:
        for file in os.listdir(folder):
            os.remove(os.path.join(folder, file))
        os.rmdir(folder)

    lines = [
        f"Median of {args.iterations} runs after one warm-up, {args.size}x{args.size}, each runtime in "
        f"its own process; {os.cpu_count()} cores, {platform.machine()}. Peak RSS per process "
        f"(each includes the launching driver's {driver_rss_mb():.0f} MB).",
        "",
        "| model | batch | threads | onnxruntime ms | PyTorch ms | RegionKit ms | RegionKit / onnxruntime "
        "| RegionKit / PyTorch | peak RSS MB (onnxruntime / PyTorch / RegionKit) | load avg |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        ort_result, torch_result, ours = r["onnxruntime"], r["pytorch"], r["regionkit"]
        lines.append(
            f"| {r['model']} | {r['batch']} | {r['threads']} | {milliseconds(ort_result)} | "
            f"{milliseconds(torch_result)} | {milliseconds(ours)} | {ratio(ours, ort_result)} | "
            f"{ratio(ours, torch_result)} | {memory(ort_result)} / {memory(torch_result)} / {memory(ours)} | "
            f"{r['load_average']:.1f} |")
    print("\n".join(lines))
    if args.json:
        versions = {}
        for r in results:
            for runtime in ("onnxruntime", "pytorch"):
                if "version" in r[runtime]:
                    versions[runtime] = r[runtime]["version"]
        document = {"iterations": args.iterations, "size": args.size, "cpu_count": os.cpu_count(),
                    "machine": platform.machine(), "driver_peak_rss_mb": driver_rss_mb(), "versions": versions,
                    "results": results}
        with open(args.json, "w") as handle:
            json.dump(document, handle, indent=2)
            handle.write("\n")
    return 0


def run_all(args, folder: str) -> list:
    results = []
    subprocess.run([sys.executable, os.path.abspath(__file__), "--prepare", folder, "--models", *args.models,
                    "--batches", *map(str, args.batches), "--size", str(args.size)], check=True)
    exports = {name: os.path.join(folder, f"{name}.onnx") for name in args.models}
    inputs = {batch: os.path.join(folder, f"input{batch}.npy") for batch in args.batches}
    for threads in args.threads:
        for name in args.models:
            for batch in args.batches:
                row = {"model": name, "batch": batch, "threads": threads}
                for runtime in RUNTIMES:
                    row[runtime] = measure(runtime, name, exports[name], inputs[batch], threads,
                                           args.iterations, args.timer)
                    if "error" in row[runtime]:  # no machine paths in the report
                        row[runtime]["error"] = row[runtime]["error"].replace(folder + "/", "").replace(
                            ROOT + "/", "")
                    state = row[runtime].get("error") or f"{row[runtime]['median_seconds'] * 1000:.1f} ms"
                    print(f"{name} batch {batch} threads {threads} {runtime}: {state}", file=sys.stderr)
                row["load_average"] = os.getloadavg()[0]
                results.append(row)
    return results


if __name__ == "__main__":
    sys.exit(main())
