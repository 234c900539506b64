#!/usr/bin/env python3
"""Golden for NeuralNet's window layers: grouped, depthwise, rectangular, strided, dilated and
asymmetrically padded convolutions, and max / average pooling with ceil mode,
count_include_pad and asymmetric padding (PyTorch autograd), cross-checked with onnxruntime.

    Tools/peers/setup_torch.sh                       # Tools/peers/.venv with torch and numpy
    Tools/peers/.venv/bin/pip install onnx onnxruntime
    Tools/peers/.venv/bin/python Tools/goldens/conv_pool_golden.py > Fixtures/goldens/conv_pool.json

Seeded (numpy default_rng(0)), CPU, torch.set_num_threads(1). Inputs have three decimals and
no two equal values (so max-pool windows have no ties). Each case stores its parameters, its
inputs (x, weight, bias, grad_out) and the expected output and gradients of
L = sum(output * grad_out). PyTorch has no asymmetric padding; those cases pad with F.pad
(zeros, or -inf for max pooling) and run an unpadded layer, which is what ONNX's `pads` mean.
In ceil mode the last window must start inside the input or its top/left padding (PyTorch's
rule for symmetric padding, onnxruntime's for any padding); after F.pad, PyTorch would keep a
window that starts in the bottom/right padding, so such outputs are cropped to the ONNX size
(the case's `source` says so). For count_include_pad=False with asymmetric padding the average
is sum / count, both from avg_pool2d(divisor_override=1) on the padded input and on a padded
mask of ones. Every forward is then run through onnxruntime (Conv, MaxPool, AveragePool,
opset 22); `onnxruntime_check` of each case records the largest difference.
"""
import json
import platform

import numpy as np
import onnx
import onnxruntime
import torch
import torch.nn.functional as F
from onnx import TensorProto, helper

SEED = 0
torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)
rng = np.random.default_rng(SEED)
TORCH = f"torch {torch.__version__}"


def distinct(shape, scale=4.0):
    """Values with three decimals in [-scale, scale), all different."""
    count = int(np.prod(shape))
    grid = np.arange(-int(scale * 1000), int(scale * 1000))
    return (rng.choice(grid, size=count, replace=False) / 1000).astype(np.float32).reshape(shape)


def record(array):
    array = np.asarray(array, dtype=np.float32)
    return {
        "shape": list(array.shape),
        "dtype": "float32",
        "data": [float(str(v)) for v in array.reshape(-1)],
    }


def onnx_run(op, inputs, **attributes):
    names = ["x", "w", "b"][: len(inputs)]
    values = [helper.make_tensor_value_info(n, TensorProto.FLOAT, list(a.shape))
              for n, a in zip(names, inputs)]
    output = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    graph = helper.make_graph([helper.make_node(op, names, ["y"], **attributes)], "g", values,
                              [output])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 22)])
    model.ir_version = 10
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    session = onnxruntime.InferenceSession(model.SerializeToString(), options,
                                           providers=["CPUExecutionProvider"])
    return session.run(None, dict(zip(names, inputs)))[0]


def onnx_size(n, k, s, before, after, d, ceil):
    span = n + before + after - d * (k - 1) - 1
    if not ceil:
        return span // s + 1
    count = -(-span // s) + 1
    if (count - 1) * s >= n + before:
        count -= 1
    return count


def compare(torch_out, onnx_out, exact):
    same_shape = list(torch_out.shape) == list(onnx_out.shape)
    diff = float(np.abs(torch_out - onnx_out).max()) if same_shape else None
    agrees = same_shape and (diff == 0 if exact else diff <= 1e-5)
    assert agrees, (torch_out.shape, onnx_out.shape, diff)
    return {"same_shape": same_shape, "max_abs_difference": diff, "agrees": agrees}


def grads(output, grad_out, tensors):
    output.backward(torch.from_numpy(grad_out))
    return [t.grad.numpy() for t in tensors]


cases = []


def conv_case(name, x_shape, w_shape, stride, padding, dilation, groups, notes=""):
    x_np, w_np = distinct(x_shape), distinct(w_shape, scale=1.0)
    b_np = distinct([w_shape[0]], scale=1.0)
    x = torch.from_numpy(x_np).requires_grad_()
    w = torch.from_numpy(w_np).requires_grad_()
    b = torch.from_numpy(b_np).requires_grad_()
    top, left, bottom, right = padding
    if top == bottom and left == right:
        call = (f"F.conv2d(x, weight, bias, stride={tuple(stride)}, padding={(top, left)}, "
                f"dilation={tuple(dilation)}, groups={groups})")
        y = F.conv2d(x, w, b, stride=tuple(stride), padding=(top, left),
                     dilation=tuple(dilation), groups=groups)
    else:
        call = (f"F.conv2d(F.pad(x, {(left, right, top, bottom)}), weight, bias, "
                f"stride={tuple(stride)}, padding=0, dilation={tuple(dilation)}, groups={groups})")
        y = F.conv2d(F.pad(x, (left, right, top, bottom)), w, b, stride=tuple(stride),
                     dilation=tuple(dilation), groups=groups)
    grad_out = distinct(list(y.shape), scale=1.0)
    gx, gw, gb = grads(y, grad_out, [x, w, b])
    reference = onnx_run("Conv", [x_np, w_np, b_np], kernel_shape=list(w_shape[2:]),
                         strides=list(stride), pads=[top, left, bottom, right],
                         dilations=list(dilation), group=groups)
    case = {
        "name": name,
        "source": [f"{TORCH}: {call}", f"{TORCH}: output.backward(grad_out)"],
        "parameters": {"stride": list(stride), "padding": list(padding),
                       "dilation": list(dilation), "groups": groups},
        "inputs": {"x": record(x_np), "weight": record(w_np), "bias": record(b_np),
                   "grad_out": record(grad_out)},
        "expected": {"output": record(y.detach().numpy()), "grad_input": record(gx),
                     "grad_weight": record(gw), "grad_bias": record(gb)},
        "onnxruntime_check": compare(y.detach().numpy(), reference, exact=False),
    }
    if notes:
        case["notes"] = notes
    cases.append(case)


def pool_case(name, kind, x_shape, kernel, stride, padding, dilation=(1, 1), ceil=False,
              count_include_pad=True, notes=""):
    x_np = distinct(x_shape)
    x = torch.from_numpy(x_np).requires_grad_()
    top, left, bottom, right = padding
    height, width = x_shape[2], x_shape[3]
    out_h = onnx_size(height, kernel[0], stride[0], top, bottom, dilation[0], ceil)
    out_w = onnx_size(width, kernel[1], stride[1], left, right, dilation[1], ceil)
    symmetric = (top == bottom and left == right and 2 * top <= kernel[0]
                 and 2 * left <= kernel[1])
    common = f"kernel_size={tuple(kernel)}, stride={tuple(stride)}"
    pad4 = (left, right, top, bottom)
    crop = ""
    if kind == "max":
        if symmetric:
            call = (f"F.max_pool2d(x, {common}, padding={(top, left)}, "
                    f"dilation={tuple(dilation)}, ceil_mode={ceil})")
            y = F.max_pool2d(x, tuple(kernel), tuple(stride), (top, left), tuple(dilation),
                             ceil_mode=ceil)
        else:
            call = (f"F.max_pool2d(F.pad(x, {pad4}, value=-inf), {common}, padding=0, "
                    f"dilation={tuple(dilation)}, ceil_mode={ceil})")
            y = F.max_pool2d(F.pad(x, pad4, value=-float("inf")), tuple(kernel), tuple(stride),
                             0, tuple(dilation), ceil_mode=ceil)
    else:
        assert dilation == (1, 1)
        if symmetric:
            call = (f"F.avg_pool2d(x, {common}, padding={(top, left)}, ceil_mode={ceil}, "
                    f"count_include_pad={count_include_pad})")
            y = F.avg_pool2d(x, tuple(kernel), tuple(stride), (top, left), ceil_mode=ceil,
                             count_include_pad=count_include_pad)
        elif count_include_pad:
            call = (f"F.avg_pool2d(F.pad(x, {pad4}), {common}, padding=0, ceil_mode={ceil}, "
                    "count_include_pad=True)")
            y = F.avg_pool2d(F.pad(x, pad4), tuple(kernel), tuple(stride), 0, ceil_mode=ceil)
        else:
            call = (f"F.avg_pool2d(F.pad(x, {pad4}), {common}, padding=0, ceil_mode={ceil}, "
                    f"divisor_override=1) / F.avg_pool2d(F.pad(ones_like(x), {pad4}), "
                    f"{common}, padding=0, ceil_mode={ceil}, divisor_override=1)")
            sums = F.avg_pool2d(F.pad(x, pad4), tuple(kernel), tuple(stride), 0,
                                ceil_mode=ceil, divisor_override=1)
            counts = F.avg_pool2d(F.pad(torch.ones_like(x), pad4), tuple(kernel),
                                  tuple(stride), 0, ceil_mode=ceil, divisor_override=1)
            y = sums / counts
    if tuple(y.shape[2:]) != (out_h, out_w):
        assert y.shape[2] >= out_h and y.shape[3] >= out_w
        crop = f"[:, :, :{out_h}, :{out_w}] (windows starting in the bottom/right padding dropped)"
        y = y[:, :, :out_h, :out_w]
    grad_out = distinct(list(y.shape), scale=1.0)
    (gx,) = grads(y, grad_out, [x])
    attributes = {"kernel_shape": list(kernel), "strides": list(stride),
                  "pads": [top, left, bottom, right], "ceil_mode": int(ceil)}
    if kind == "max":
        reference = onnx_run("MaxPool", [x_np], dilations=list(dilation), **attributes)
    else:
        reference = onnx_run("AveragePool", [x_np], count_include_pad=int(count_include_pad),
                             **attributes)
    case = {
        "name": name,
        "source": [f"{TORCH}: {call}{crop}", f"{TORCH}: output.backward(grad_out)"],
        "parameters": {"kernel_size": list(kernel), "stride": list(stride),
                       "padding": list(padding), "dilation": list(dilation), "ceil_mode": ceil,
                       "count_include_pad": count_include_pad if kind == "avg" else None},
        "inputs": {"x": record(x_np), "grad_out": record(grad_out)},
        "expected": {"output": record(y.detach().numpy()), "grad_input": record(gx)},
        "onnxruntime_check": compare(y.detach().numpy(), reference, exact=(kind == "max")),
    }
    if case["parameters"]["count_include_pad"] is None:
        del case["parameters"]["count_include_pad"]
    if notes:
        case["notes"] = notes
    cases.append(case)


# Convolutions: padding is [top, left, bottom, right], stride and dilation [height, width].
conv_case("conv2d_groups2_k3_pad1", [2, 4, 7, 8], [6, 2, 3, 3], (1, 1), (1, 1, 1, 1), (1, 1), 2)
conv_case("conv2d_groups2_1x1", [2, 4, 5, 6], [6, 2, 1, 1], (1, 1), (0, 0, 0, 0), (1, 1), 2,
          "1x1 kernel, stride 1, no padding: the image is its own column matrix")
conv_case("conv2d_1x1", [2, 5, 4, 6], [3, 5, 1, 1], (1, 1), (0, 0, 0, 0), (1, 1), 1)
conv_case("conv2d_depthwise_multiplier2_stride2", [2, 4, 9, 8], [8, 1, 3, 3], (2, 2),
          (1, 1, 1, 1), (1, 1), 4, "groups == C_in, two outputs per input channel")
conv_case("conv2d_depthwise_5x5_dilated_asymmetric", [1, 3, 10, 9], [3, 1, 5, 5], (1, 2),
          (2, 1, 3, 0), (2, 1), 3)
conv_case("conv2d_rect_3x5_stride2x1_dilation1x2_asymmetric", [2, 3, 9, 10], [4, 3, 3, 5],
          (2, 1), (1, 2, 0, 3), (1, 2), 1)
conv_case("conv2d_padding_wider_than_kernel", [1, 2, 4, 5], [3, 2, 2, 2], (1, 2), (3, 0, 0, 1),
          (1, 1), 1, "top padding 3 > kernel 2: the first two output rows see only padding "
          "(they equal the bias)")

# Pools: kernel, stride, dilation [height, width]; padding [top, left, bottom, right].
pool_case("max_pool2d_k3_s2_ceil", "max", [1, 2, 8, 9], (3, 3), (2, 2), (0, 0, 0, 0), ceil=True,
          notes="ceil mode: the last window of each axis is partial")
pool_case("max_pool2d_k2_s2_p1_ceil_drops_last", "max", [1, 2, 5, 6], (2, 2), (2, 2),
          (1, 1, 1, 1), ceil=True,
          notes="height 5: ceil gives 4 windows but the 4th would start in the bottom padding, "
                "so 3; width 6: 4")
pool_case("max_pool2d_rect_2x3_stride2x1_asymmetric", "max", [1, 2, 7, 9], (2, 3), (2, 1),
          (1, 0, 0, 2))
pool_case("max_pool2d_k3_dilation2x1_stride1x2_p1_ceil", "max", [1, 2, 9, 10], (3, 3), (1, 2),
          (1, 1, 1, 1), dilation=(2, 1), ceil=True)
pool_case("max_pool2d_k3_s2_asymmetric_ceil", "max", [1, 2, 8, 7], (3, 3), (2, 2), (0, 1, 2, 0),
          ceil=True,
          notes="height 8 with bottom padding 2: a 5th window would start in the bottom "
                "padding and is dropped")
pool_case("avg_pool2d_k3_s2_p1_ceil_include_pad", "avg", [1, 2, 8, 9], (3, 3), (2, 2),
          (1, 1, 1, 1), ceil=True, count_include_pad=True,
          notes="the last, partial window divides by its size clipped to the padded plane")
pool_case("avg_pool2d_k3_s2_p1_ceil_exclude_pad", "avg", [1, 2, 8, 9], (3, 3), (2, 2),
          (1, 1, 1, 1), ceil=True, count_include_pad=False)
pool_case("avg_pool2d_k2_s2_p1_ceil_drops_last", "avg", [1, 2, 5, 6], (2, 2), (2, 2),
          (1, 1, 1, 1), ceil=True, count_include_pad=True)
pool_case("avg_pool2d_k3_s1_p1_exclude_pad", "avg", [1, 2, 6, 7], (3, 3), (1, 1), (1, 1, 1, 1),
          count_include_pad=False)
pool_case("avg_pool2d_rect_3x2_stride1x2_asymmetric_include_pad", "avg", [1, 2, 7, 8], (3, 2),
          (1, 2), (2, 0, 1, 1), count_include_pad=True,
          notes="top padding 2 > kernel 3 / 2 (ONNX allows any pad < kernel)")
pool_case("avg_pool2d_k3_s2_asymmetric_ceil_exclude_pad", "avg", [1, 2, 8, 7], (3, 3), (2, 2),
          (0, 1, 2, 0), ceil=True, count_include_pad=False,
          notes="height 8 with bottom padding 2: a 5th window would start in the bottom "
                "padding and is dropped")
pool_case("avg_pool2d_k3_s2_asymmetric_ceil_include_pad", "avg", [1, 2, 9, 8], (3, 3), (2, 2),
          (1, 0, 0, 2), ceil=True, count_include_pad=True,
          notes="the last row of windows reaches past the bottom (unpadded) edge and divides by "
                "2 * 3; width 8 with right padding 2: a 5th window would start in the right "
                "padding and is dropped")

versions = {
    "python": platform.python_version(), "numpy": np.__version__, "torch": torch.__version__,
    "onnx": onnx.__version__, "onnxruntime": onnxruntime.__version__, "device": "cpu",
    "torch_num_threads": torch.get_num_threads(),
}
golden = {
    "file": "conv_pool.json",
    "generator": "Tools/goldens/conv_pool_golden.py",
    "seed": SEED,
    "versions": versions,
    "source": (f"{TORCH}: torch.nn.functional.conv2d, max_pool2d, avg_pool2d, pad; gradients "
               f"via autograd (CPU, 1 thread). onnxruntime {onnxruntime.__version__} (Conv, "
               "MaxPool, AveragePool, opset 22, CPU provider, 1 thread) recomputes every "
               "forward."),
    "convention": (
        "NCHW, row-major. Conv weight [C_out, C_in / groups, kH, kW], cross-correlation; output "
        "channel o sees input channels [(o / (C_out / groups)) * C_in / groups, ...) of its "
        "group. padding is [top, left, bottom, right] (ONNX pads order), stride, dilation and "
        "kernel_size are [height, width]. Window (oy, ox) starts at input pixel "
        "(oy * stride_h - top, ox * stride_w - left); tap (ky, kx) adds (ky * dilation_h, "
        "kx * dilation_w). Output size per axis: floor((n + before + after - d (k - 1) - 1) / s)"
        " + 1; with ceil_mode ceil(...) instead, less one when the last window would start at "
        "or past n + before (in the bottom or right padding). Max pooling pads with -inf, ties "
        "keep the first maximum in row-major window order (inputs here have no ties). Average "
        "pooling with count_include_pad divides by the window clipped to the padded plane, "
        "(min(y0 + kh, H + bottom) - y0) * (min(x0 + kw, W + right) - x0) with y0, x0 the "
        "window's start (k_h * k_w except for ceil mode's last windows); without it, by the "
        "number of input pixels in the window. Every grad_* is dL/d(that tensor) for "
        "L = sum(output * grad_out). onnxruntime agrees with PyTorch on every case: max "
        "pooling bit for bit, average pooling and convolution within the max_abs_difference "
        "recorded per case (summation order), including the ceil-mode rule and divisor under "
        "asymmetric padding; PyTorch itself has no asymmetric padding, which these cases build "
        "with F.pad (see each case's source)."),
    "tensor_encoding": (
        "Every array is {shape, dtype, data}: data is the flat row-major (C-order) list. "
        "float32 values are printed with the shortest decimal that round-trips to the same "
        "float32 (parse as Double, then convert to Float: bit-identical)."),
    "cases": cases,
}
print(json.dumps(golden, separators=(",", ":")))
