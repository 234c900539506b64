#!/usr/bin/env python3
"""Writes the ONNX fixtures of RegionKit's ONNX module (Fixtures/onnx/) and their manifest.

Every case is a small seeded model: tiny CNNs exported from PyTorch (the TorchScript exporter,
`dynamo=False`, and the torch.export-based one, `dynamo=True`, that current PyTorch uses by
default), op-coverage graphs built with `onnx.helper`, the same small conv net with its weights
stored four ways (float16 + Cast, float64 + Cast, typed `float_data` fields, external data file),
and a graph with an op the importer does not support.

For each case the script writes

  <case>.onnx                 the model (and <case>.weights for the external-data case)
  <case>.input.npy            float32 input, NCHW unless the manifest's description says otherwise
  <case>.output.npy           onnxruntime's value of the graph's first output
  <case>.<tensor>.npy         the other graph outputs and, for the CNNs, one intermediate tensor
                              (read by adding it as an extra graph output to a copy of the model)
  <case>.input3.npy, ...3.npy the same at batch size 3, for models with a dynamic batch axis
  <case>.input_size2.npy, ... a second image size, for the fully convolutional model

and `manifest.json`, which lists per case the model, the graph input's name and file, every
expected tensor by name, the opset, the producer, the parameter count (initializer elements), the
op counts, the batch sizes checked and a one-line description.

Expected values come from onnxruntime's CPU provider with one thread and graph optimisations
disabled. The script also runs each model with all optimisations enabled and warns when the two
differ by more than 1e-5 relative to the output's largest magnitude; for the PyTorch cases it
also prints the difference from PyTorch's own output. Re-running it rewrites the same bytes
(with the same package versions, which the manifest records).

  bash Tools/onnx/setup.sh
  Tools/onnx/.venv/bin/python Tools/onnx/make_fixtures.py [--out DIR]
"""
import argparse
import collections
import contextlib
import copy
import io
import json
import os
import re
import sys
import warnings
import zlib
from dataclasses import dataclass, field

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
FLOAT, INT64 = TensorProto.FLOAT, TensorProto.INT64
INT64_MAX = 2**63 - 1
# Optimised and unoptimised onnxruntime runs must agree within this, relative to max |y|.
OPTIMISATION_TOLERANCE = 1e-5


# ----------------------------------------------------------------------------------------------
# Cases


@dataclass
class Run:
    """One input and what to call its files: suffix "" (the main run), "3", "_size2"."""

    suffix: str
    what: str
    input: np.ndarray
    reference: dict = field(default_factory=dict)  # PyTorch's outputs by tensor name, if any


@dataclass
class Case:
    name: str
    model: onnx.ModelProto
    producer: str
    description: str
    runs: list
    intermediates: list = field(default_factory=list)
    external_data: bool = False
    expect_error: str = ""
    batch_axis: int = 0


def seeded(name: str) -> np.random.Generator:
    """A generator seeded from the case's name, so cases do not depend on each other's order."""
    return np.random.default_rng(zlib.crc32(name.encode()))


class GraphBuilder:
    """Collects the nodes, initializers and outputs of one onnx.helper graph."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.nodes, self.initializers, self.outputs = [], [], []
        self.declared_shapes = {}  # output shapes that shape inference cannot work out
        self._count = collections.Counter()

    def weight(self, name, shape, scale=0.5, low=None, high=None, dtype=np.float32):
        if low is not None:
            value = self.rng.uniform(low, high, size=shape)
        else:
            value = self.rng.standard_normal(shape) * scale
        return self.constant(name, value.astype(dtype))

    def constant(self, name, value, raw=True):
        value = np.asarray(value)
        if raw:
            tensor = numpy_helper.from_array(value, name)
        else:
            kind = helper.np_dtype_to_tensor_dtype(value.dtype)
            tensor = helper.make_tensor(name, kind, value.shape, value.flatten().tolist(), raw=False)
        self.initializers.append(tensor)
        return name

    def node(self, op, inputs, output=None, **attributes):
        if output is None:
            self._count[op] += 1
            output = f"{op.lower()}_{self._count[op]}"
        self.nodes.append(helper.make_node(op, inputs, [output], name=output, **attributes))
        return output

    def output(self, op, inputs, name, shape=None, **attributes):
        """A node whose result is a graph output called `name` (of `shape`, if given)."""
        self.node(op, inputs, name, **attributes)
        self.outputs.append(name)
        if shape is not None:
            self.declared_shapes[name] = shape
        return name


def helper_model(builder, name, opset, input_shape, input_name="X", doc=""):
    graph = helper.make_graph(
        builder.nodes, name,
        [helper.make_tensor_value_info(input_name, FLOAT, input_shape)],
        [helper.make_tensor_value_info(o, FLOAT, builder.declared_shapes.get(o)) for o in builder.outputs],
        initializer=builder.initializers, doc_string=doc)
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="onnx.helper",
        producer_version=onnx.__version__)
    model.ir_version = helper.find_min_ir_version_for(model.opset_import)
    # Declare the output shapes, as exporters do (strict inference also checks the graph).
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True, data_prop=True)
    del model.graph.output[:]
    model.graph.output.extend(o for o in inferred.graph.output)
    return model


def helper_case(name, opset, input_shape, build, description, runs=None, scale=1.0, **extra):
    rng = seeded(name)
    builder = GraphBuilder(rng)
    build(builder)
    model = helper_model(builder, name, opset, input_shape, doc=description)
    if runs is None:
        runs = [Run("", "main", (rng.standard_normal(input_shape) * scale).astype(np.float32))]
    return Case(name, model, "onnx.helper", description, runs, **extra)


# --- Op coverage -----------------------------------------------------------------------------


def ops_conv(g):
    w, b = g.weight("w_asym", [3, 4, 3, 3]), g.weight("b_asym", [3])
    g.output("Conv", ["X", w, b], "conv_asymmetric_pads", pads=[1, 0, 2, 1])
    w = g.weight("w_3x5", [5, 4, 3, 5])
    g.output("Conv", ["X", w], "conv_kernel_3x5", kernel_shape=[3, 5], pads=[1, 2, 1, 2])
    w, b = g.weight("w_strided", [4, 4, 3, 3]), g.weight("b_strided", [4])
    g.output("Conv", ["X", w, b], "conv_strides_2_1_dilations_1_2",
             strides=[2, 1], dilations=[1, 2], pads=[1, 2, 1, 2])
    w, b = g.weight("w_group", [6, 2, 3, 3]), g.weight("b_group", [6])
    g.output("Conv", ["X", w, b], "conv_group_2", group=2, pads=[1, 1, 1, 1])
    w = g.weight("w_depthwise", [4, 1, 3, 3])
    g.output("Conv", ["X", w], "conv_depthwise", group=4, pads=[1, 1, 1, 1])
    # Kernel 4x2, stride 2 on 7x9: SAME pads 3 rows (1+2 upper, 2+1 lower) and 1 column
    # (0+1 upper, 1+0 lower), so the two modes give different answers.
    w, b = g.weight("w_same", [3, 4, 4, 2]), g.weight("b_same", [3])
    g.output("Conv", ["X", w, b], "conv_same_upper", auto_pad="SAME_UPPER", strides=[2, 2])
    g.output("Conv", ["X", w, b], "conv_same_lower", auto_pad="SAME_LOWER", strides=[2, 2])
    w = g.weight("w_valid", [3, 4, 3, 3])
    g.output("Conv", ["X", w], "conv_valid", auto_pad="VALID", strides=[2, 2])
    w, b = g.weight("w_pointwise", [2, 4, 1, 1]), g.weight("b_pointwise", [2])
    g.output("Conv", ["X", w, b], "conv_1x1", kernel_shape=[1, 1])


def ops_activations(g):
    scale, bias = g.weight("bn_scale", [4], low=0.5, high=1.5), g.weight("bn_bias", [4])
    mean, var = g.weight("bn_mean", [4]), g.weight("bn_var", [4], low=0.5, high=2.0)
    g.output("BatchNormalization", ["X", scale, bias, mean, var], "batchnorm", epsilon=1e-3)
    g.output("Relu", ["X"], "relu")
    g.output("LeakyRelu", ["X"], "leaky_relu", alpha=0.2)
    g.output("PRelu", ["X", g.weight("prelu_slope", [4, 1, 1], low=0.05, high=0.5)], "prelu")
    lo, hi = g.constant("clip_min", np.float32(-1.0)), g.constant("clip_max", np.float32(2.0))
    g.output("Clip", ["X", lo, hi], "clip_min_max")
    g.output("Clip", ["X", "", g.constant("clip_max_value", np.float32(0.5))], "clip_max_only")
    g.output("Clip", ["X", g.constant("clip_min_value", np.float32(-0.5))], "clip_min_only")
    g.output("Sigmoid", ["X"], "sigmoid")
    g.output("HardSigmoid", ["X"], "hard_sigmoid", alpha=0.3, beta=0.4)
    g.output("HardSwish", ["X"], "hard_swish")
    g.output("Tanh", ["X"], "tanh")


def ops_clip_opset6(g):
    g.output("Clip", ["X"], "clip_attributes", min=-0.5, max=1.5)
    g.output("Clip", ["X"], "clip_max_attribute_only", max=0.7)


def ops_broadcast(g):
    g.output("Add", ["X", g.weight("channel", [3, 1, 1])], "add_channel_c11")
    g.output("Sub", ["X", g.weight("one", [1])], "sub_shape_1")
    g.output("Mul", ["X", g.weight("row", [5])], "mul_width_w")
    g.output("Div", ["X", g.constant("scalar", np.float32(2.5))], "div_scalar")
    g.output("Sub", ["channel", "X"], "sub_channel_minus_input")
    g.output("Div", ["X", g.weight("divisor", [1, 3, 1, 5], low=1.0, high=2.0)], "div_1c1w")
    g.output("Add", ["X", g.weight("batch_rows", [2, 1, 4, 1])], "add_n1h1")
    g.output("Mul", ["X", g.node("Sigmoid", ["X"])], "mul_same_shape")


def ops_tensor(g):
    g.output("Concat", ["X", g.node("Sigmoid", ["X"])], "concat_axis_1", axis=1)
    g.output("Concat", ["X", g.weight("extra_columns", [2, 4, 3, 2])], "concat_axis_minus_1", axis=-1)
    g.output("Flatten", ["X"], "flatten_axis_1", axis=1)
    g.output("Flatten", ["X"], "flatten_axis_2", axis=2)
    g.output("Reshape", ["X", g.constant("shape_0_m1", np.array([0, -1], np.int64))], "reshape_0_minus1")
    g.output("Reshape", ["X", g.constant("shape_0_0_m1", np.array([0, 0, -1], np.int64))],
             "reshape_0_0_minus1", allowzero=0)
    g.output("Reshape", ["X", g.constant("shape_m1_0_5", np.array([-1, 0, 5], np.int64))],
             "reshape_minus1_0_5")
    g.output("Transpose", ["X"], "transpose_0231", perm=[0, 2, 3, 1])
    g.output("Transpose", ["X"], "transpose_3102", perm=[3, 1, 0, 2])
    axes = g.constant("axes_1_m1", np.array([1, -1], np.int64))
    g.output("Unsqueeze", ["X", axes], "unsqueeze_1_minus1")
    g.output("Squeeze", ["unsqueeze_1_minus1", axes], "squeeze_1_minus1")
    g.output("Squeeze", ["unsqueeze_1_minus1"], "squeeze_all_ones")
    g.output("Dropout", ["X", g.constant("dropout_ratio", np.float32(0.3))], "dropout")
    g.output("Identity", ["X"], "identity")


def ops_pool(g):
    g.output("MaxPool", ["X"], "maxpool_asymmetric_pads_ceil",
             kernel_shape=[3, 3], strides=[2, 2], pads=[0, 1, 1, 0], ceil_mode=1)
    g.output("MaxPool", ["X"], "maxpool_dilations_2_1", kernel_shape=[2, 2], dilations=[2, 1])
    g.output("MaxPool", ["X"], "maxpool_storage_order_0",
             kernel_shape=[2, 2], strides=[2, 2], storage_order=0)
    g.output("AveragePool", ["X"], "avgpool_pads_exclude_pad",
             kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], count_include_pad=0)
    g.output("AveragePool", ["X"], "avgpool_pads_include_pad",
             kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], count_include_pad=1)
    g.output("AveragePool", ["X"], "avgpool_ceil", kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)
    g.output("AveragePool", ["X"], "avgpool_ceil_pads_include_pad", kernel_shape=[3, 3],
             strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1, count_include_pad=1)
    g.output("GlobalAveragePool", ["X"], "global_average_pool")
    g.output("GlobalMaxPool", ["X"], "global_max_pool")


def ops_gemm_matmul(g):
    w, c = g.weight("b_t", [5, 6]), g.weight("c_n", [5])
    g.output("Gemm", ["X", w, c], "gemm_transb_alpha_beta_c_n", transB=1, alpha=0.5, beta=2.0)
    w, c = g.weight("b_ta", [4, 3]), g.weight("c_1n", [1, 3])
    g.output("Gemm", ["X", w, c], "gemm_transa_c_1n", transA=1)
    w, c = g.weight("b", [6, 3]), g.weight("c_m1", [4, 1])
    g.output("Gemm", ["X", w, c], "gemm_c_m1", beta=0.5)
    g.output("Gemm", ["X", g.weight("b_noc", [6, 2])], "gemm_no_c")
    g.output("MatMul", ["X", g.weight("m2", [6, 5])], "matmul_2d")
    x3 = g.node("Reshape", ["X", g.constant("shape_3d", np.array([2, 2, 6], np.int64))])
    g.output("MatMul", [x3, g.weight("m3", [6, 3])], "matmul_3d_by_2d")
    x4 = g.node("Reshape", ["X", g.constant("shape_4d", np.array([2, 1, 2, 6], np.int64))])
    g.output("MatMul", [x4, g.weight("m4", [3, 6, 4])], "matmul_4d_by_3d_broadcast")
    g.output("MatMul", [g.weight("a3", [2, 5, 4]), "X"], "matmul_3d_by_input_2d")


def ops_softmax_opset13(g):
    g.output("Softmax", ["X"], "softmax_axis_minus1", axis=-1)
    g.output("Softmax", ["X"], "softmax_axis_1", axis=1)
    g.output("Softmax", ["X"], "softmax_default_axis")


def ops_opset11(g):
    # Softmax-11 flattens the input to 2-D at `axis` ([N, C*H*W] here) and normalises each row;
    # its default axis is 1 (Softmax-13's is -1 and normalises along that axis only).
    g.output("Softmax", ["X"], "softmax_axis_1_coerced_2d", axis=1)
    g.output("Softmax", ["X"], "softmax_default_axis")
    lo, hi = g.constant("clip_min", np.float32(-0.8)), g.constant("clip_max", np.float32(0.6))
    g.output("Clip", ["X", lo, hi], "clip_min_max_inputs")
    g.output("Unsqueeze", ["X"], "unsqueeze_axes_attribute", axes=[0, 4])
    g.output("Squeeze", ["unsqueeze_axes_attribute"], "squeeze_axes_attribute", axes=[0, 4])
    pads = g.constant("pads", np.array([0, 0, 1, 2, 0, 0, 2, 0], np.int64))
    g.output("Pad", ["X", pads, g.constant("pad_value", np.float32(0.5))], "pad_constant_value",
             mode="constant")
    g.output("Dropout", ["X"], "dropout_ratio_attribute", ratio=0.25)


def ops_constant(g):
    value = numpy_helper.from_array(g.rng.standard_normal([3, 1, 1]).astype(np.float32), "v")
    g.output("Add", ["X", g.node("Constant", [], "c_tensor", value=value)], "add_constant_value")
    g.output("Mul", ["X", g.node("Constant", [], "c_float", value_float=1.5)], "mul_constant_value_float")
    g.output("Reshape", ["X", g.node("Constant", [], "c_ints", value_ints=[0, -1])],
             "reshape_constant_value_ints")
    floats = [float(v) for v in g.rng.standard_normal(5).astype(np.float32)]
    g.output("Add", ["X", g.node("Constant", [], "c_floats", value_floats=floats)],
             "add_constant_value_floats")


def ops_pad_opset18(g):
    pads = g.constant("pads_axes_2_3", np.array([1, 2, 0, 3], np.int64))
    value = g.constant("pad_value", np.float32(0.25))
    axes = g.constant("axes_2_3", np.array([2, 3], np.int64))
    g.output("Pad", ["X", pads, value, axes], "pad_axes_2_3", mode="constant")
    pads = g.constant("pads_last_axis", np.array([2, 1], np.int64))
    g.output("Pad", ["X", pads, value, g.constant("axes_m1", np.array([-1], np.int64))],
             "pad_axes_minus1", mode="constant")
    pads = g.constant("pads_all", np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64))
    g.output("Pad", ["X", pads], "pad_all_axes_zero")


def ops_shape_patterns(g):
    # What exporters emit for x.view(x.size(0), -1) and friends when the batch is dynamic.
    shape = g.node("Shape", ["X"])
    batch = g.node("Gather", [shape, g.constant("index_0", np.array(0, np.int64))], axis=0)
    batch1 = g.node("Unsqueeze", [batch, g.constant("axes_0", np.array([0], np.int64))])
    minus1 = g.constant("minus_1", np.array([-1], np.int64))
    target = g.node("Concat", [batch1, minus1], axis=0)
    g.output("Reshape", ["X", target], "reshape_batch_minus1", shape=["N", 60])
    head = g.node("Slice", [shape, g.constant("start_0", np.array([0], np.int64)),
                            g.constant("end_2", np.array([2], np.int64))])
    head = g.node("Cast", [head], to=INT64)
    g.output("Reshape", ["X", g.node("Concat", [head, minus1], axis=0)], "reshape_slice_cast_concat",
             shape=["N", 3, 20])
    width = g.node("Gather", [shape, g.constant("index_3", np.array(3, np.int64))], axis=0)
    g.output("Div", ["X", g.node("Cast", [width], to=FLOAT)], "div_by_width_cast_float")


def ops_slice(g):
    def c(name, values):
        return g.constant(name, np.array(values, np.int64))

    g.output("Slice", ["X", c("s1", [1, -3]), c("e1", [INT64_MAX, -1]), c("a1", [1, 3]),
                       c("p1", [1, 1])], "slice_negative_and_int64_max")
    g.output("Slice", ["X", c("s2", [0]), c("e2", [INT64_MAX]), c("a2", [2]), c("p2", [2])],
             "slice_step_2")
    g.output("Slice", ["X", c("s3", [1, 1]), c("e3", [100, -1]), c("a3", [-1, 2]), c("p3", [2, 2])],
             "slice_negative_axis_step_2_clamped_end")
    g.output("Slice", ["X", c("s4", [0, 1, 0, 2]), c("e4", [1, 3, 6, 7])], "slice_starts_ends_only")


def ops_opset21(g):
    y = g.node("Relu", [g.node("Conv", ["X", g.weight("w", [4, 3, 3, 3]), g.weight("b", [4])],
                               pads=[1, 1, 1, 1])])
    flat = g.output("Flatten", [y], "flatten", axis=1)
    g.output("Gemm", [flat, g.weight("fc_w", [6, 80], scale=0.1), g.weight("fc_b", [6])], "gemm",
             transB=1)
    g.output("Reshape", [y, g.constant("shape", np.array([0, 2, -1], np.int64))], "reshape")
    g.output("Transpose", [y], "transpose", perm=[0, 3, 1, 2])
    axes = g.constant("axes_2", np.array([2], np.int64))
    g.output("Squeeze", [g.node("Unsqueeze", [y, axes]), axes], "unsqueeze_squeeze")
    pads = g.constant("pads", np.array([0, 0, 1, 0, 0, 0, 0, 2], np.int64))
    g.output("Pad", [y, pads, g.constant("pad_value", np.float32(-1.0))], "pad", mode="constant")
    g.output("Identity", [g.node("Cast", [y], to=FLOAT)], "cast_identity")


def op_coverage_cases():
    n = "N"
    return [
        helper_case("ops_conv", 11, [2, 4, 7, 9], ops_conv,
                    "Conv: asymmetric pads, 3x5 kernel, strides (2,1) with dilations (1,2), group 2, "
                    "depthwise, auto_pad SAME_UPPER/SAME_LOWER (kernel 4x2, stride 2) and VALID, 1x1"),
        helper_case("ops_activations", 17, [2, 4, 7, 9], ops_activations,
                    "BatchNormalization (epsilon 1e-3), Relu, LeakyRelu(0.2), PRelu with [C,1,1] "
                    "slope, Clip with min/max inputs, max only and min only, Sigmoid, "
                    "HardSigmoid(0.3, 0.4), HardSwish, Tanh", scale=2.5),
        helper_case("ops_clip_opset6", 6, [2, 3, 4, 5], ops_clip_opset6,
                    "Clip-6 with min/max attributes, and with the max attribute only", scale=1.5),
        helper_case("ops_broadcast", 17, [2, 3, 4, 5], ops_broadcast,
                    "Add/Sub/Mul/Div broadcasting a [N,C,H,W] input with [C,1,1], [1], [W], a scalar, "
                    "[1,C,1,W] and [N,1,H,1] initializers, an initializer on the left, and same shapes"),
        helper_case("ops_tensor", 17, [2, 4, 3, 5], ops_tensor,
                    "Concat on axis 1 and -1, Flatten axis 1 and 2, Reshape with 0 and -1 entries "
                    "(allowzero 0), Transpose, Unsqueeze/Squeeze with axes as input (also no axes), "
                    "Dropout with a ratio input, Identity"),
        helper_case("ops_pool", 17, [2, 3, 8, 10], ops_pool,
                    "MaxPool (asymmetric pads with ceil_mode, dilations, storage_order 0), AveragePool "
                    "(count_include_pad 0 and 1, ceil_mode, both), GlobalAveragePool, GlobalMaxPool"),
        helper_case("ops_gemm_matmul", 13, [4, 6], ops_gemm_matmul,
                    "Input is 2-D [4,6]. Gemm with transA/transB/alpha/beta and C of shape [N], "
                    "[1,N], [M,1] or none; MatMul 2-D, 3-D by 2-D, 4-D by 3-D broadcast, 3-D by input"),
        helper_case("ops_softmax_opset13", 13, [2, 3, 4, 5], ops_softmax_opset13,
                    "Softmax-13 along one axis: axis -1, axis 1, default axis (-1)"),
        helper_case("ops_opset11", 11, [2, 3, 4, 5], ops_opset11,
                    "Opset-11 forms: Softmax coercing to 2-D (axis 1, and the default axis 1), Clip with "
                    "min/max inputs, Unsqueeze/Squeeze with axes attributes, Pad with a pads input and "
                    "constant value, Dropout with a ratio attribute"),
        helper_case("ops_constant", 13, [2, 3, 4, 5], ops_constant,
                    "Constant nodes with value (tensor), value_float, value_ints and value_floats"),
        helper_case("ops_pad_opset18", 18, [2, 3, 4, 5], ops_pad_opset18,
                    "Pad-18 constant mode with an axes input (axes [2,3] and [-1]) and with pads for "
                    "every axis and no value"),
        helper_case("ops_shape_patterns", 13, [n, 3, 4, 5], ops_shape_patterns,
                    "Dynamic batch. Shape -> Gather(axis 0) -> Unsqueeze -> Concat(-1) -> Reshape, "
                    "Shape -> Slice -> Cast -> Concat -> Reshape, Shape -> Gather -> Cast(float) -> Div",
                    runs=[Run("", "batch 2", seeded("x2").standard_normal([2, 3, 4, 5]).astype(np.float32)),
                          Run("3", "batch 3", seeded("x3").standard_normal([3, 3, 4, 5]).astype(np.float32))]),
        helper_case("ops_slice", 13, [2, 4, 6, 8], ops_slice,
                    "Slice with starts/ends/axes/steps inputs: negative starts and ends, INT64_MAX ends, "
                    "a negative axis, step 2, ends past the dimension, and starts/ends only"),
        helper_case("ops_opset21", 21, [2, 3, 4, 5], ops_opset21,
                    "Opset 21 (IR 10): Conv, Relu, Flatten, Gemm, Reshape, Transpose, Unsqueeze/Squeeze, "
                    "Pad with a negative constant, Cast, Identity"),
    ]


# --- Weight encodings ------------------------------------------------------------------------


def weights_case(name, encoding, description):
    """A small conv net (Conv 3->4 3x3, Relu, GlobalAveragePool, flatten, Gemm 4->3) whose
    weights are stored as `encoding`: float16 / float64 + Cast, float_data, external."""
    rng = seeded("weights")  # the same weights in every encoding
    conv_w = rng.standard_normal([4, 3, 3, 3]).astype(np.float32) * 0.5
    conv_b = rng.standard_normal([4]).astype(np.float32) * 0.1
    fc_w = rng.standard_normal([3, 4]).astype(np.float32)
    fc_b = rng.standard_normal([3]).astype(np.float32) * 0.1
    x = rng.standard_normal([2, 3, 6, 7]).astype(np.float32)
    g = GraphBuilder(rng)
    names = {}
    for key, value in [("conv_w", conv_w), ("conv_b", conv_b), ("fc_w", fc_w), ("fc_b", fc_b)]:
        if encoding == "float16":
            names[key] = g.node("Cast", [g.constant(key + "_f16", value.astype(np.float16))], key, to=FLOAT)
        elif encoding == "float64":
            names[key] = g.node("Cast", [g.constant(key + "_f64", value.astype(np.float64))], key, to=FLOAT)
        else:
            names[key] = g.constant(key, value, raw=(encoding != "float_data"))
    features = g.output("Relu", [g.node("Conv", ["X", names["conv_w"], names["conv_b"]], pads=[1, 1, 1, 1])],
                        "features")
    pooled = g.node("GlobalAveragePool", [features])
    if encoding == "float_data":
        flat = g.node("Reshape", [pooled, g.constant("shape", np.array([0, -1], np.int64), raw=False)])
    else:
        flat = g.node("Flatten", [pooled], axis=1)
    g.output("Gemm", [flat, names["fc_w"], names["fc_b"]], "logits", transB=1)
    g.outputs.reverse()  # logits first
    model = helper_model(g, name, 13, [2, 3, 6, 7], doc=description)
    return Case(name, model, "onnx.helper", description, [Run("", "main", x)],
                external_data=(encoding == "external"))


def weight_cases():
    return [
        weights_case("weights_float16", "float16",
                     "Conv net with float16 initializers, each Cast to float; outputs logits and the "
                     "Relu feature map"),
        weights_case("weights_float64", "float64",
                     "Conv net with float64 initializers, each Cast to float (rounded to nearest)"),
        weights_case("weights_float_data", "float_data",
                     "Conv net with weights in the typed float_data field (not raw_data) and a Reshape "
                     "shape in int64_data"),
        weights_case("weights_external", "external",
                     "Conv net with every initializer in the external data file weights_external.weights"),
    ]


def unsupported_case():
    g = GraphBuilder(seeded("unsupported_op"))
    hidden = 3
    w, r = g.weight("W", [1, 4 * hidden, 4]), g.weight("R", [1, 4 * hidden, hidden])
    g.output("LSTM", ["X", w, r], "Y", hidden_size=hidden)
    description = "An LSTM over an input of shape [sequence 5, batch 2, features 4], which the importer rejects"
    model = helper_model(g, "unsupported_op", 13, [5, 2, 4], doc=description)
    x = seeded("unsupported_op.x").standard_normal([5, 2, 4]).astype(np.float32)
    return Case("unsupported_op", model, "onnx.helper", description, [Run("", "main", x)],
                expect_error="unsupported op LSTM", batch_axis=1)


# --- PyTorch models --------------------------------------------------------------------------


def torch_cases():
    import torch
    import torch.nn as nn

    torch.set_num_threads(1)

    def randomize_batchnorm(model):
        for module in model.modules():
            if isinstance(module, nn.BatchNorm2d):
                with torch.no_grad():
                    module.running_mean.normal_(0, 0.5)
                    module.running_var.uniform_(0.5, 2.0)
                    module.weight.uniform_(0.5, 1.5)
                    module.bias.normal_(0, 0.2)
        return model.eval()

    class ResidualCNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU())
            self.conv1 = nn.Conv2d(8, 8, 3, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(8)
            self.conv2 = nn.Conv2d(8, 8, 3, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(8)
            self.relu = nn.ReLU()
            self.pool = nn.MaxPool2d(2)
            self.down = nn.Sequential(nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.BatchNorm2d(16), nn.ReLU())
            self.avgpool = nn.AvgPool2d(3, stride=2, ceil_mode=True)
            self.gap = nn.AdaptiveAvgPool2d(1)
            self.flatten = nn.Flatten()
            self.fc = nn.Linear(16, 5)

        def forward(self, x):
            x = self.stem(x)
            x = self.relu(self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x))))) + x)
            x = self.avgpool(self.down(self.pool(x)))
            return self.fc(self.flatten(self.gap(x)))

    class SqueezeExcite(nn.Module):
        def __init__(self, channels, squeezed):
            super().__init__()
            self.pool = nn.AdaptiveAvgPool2d(1)
            self.reduce = nn.Conv2d(channels, squeezed, 1)
            self.relu = nn.ReLU()
            self.expand = nn.Conv2d(squeezed, channels, 1)
            self.gate = nn.Hardsigmoid()

        def forward(self, x):
            return x * self.gate(self.expand(self.relu(self.reduce(self.pool(x)))))

    class DepthwiseSECNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(16),
                                      nn.Hardswish())
            self.depthwise = nn.Sequential(nn.Conv2d(16, 16, 3, padding=1, groups=16, bias=False),
                                           nn.BatchNorm2d(16), nn.ReLU6())
            self.se = SqueezeExcite(16, 4)
            self.pointwise = nn.Sequential(nn.Conv2d(16, 12, 1, bias=False), nn.BatchNorm2d(12))
            self.grouped = nn.Sequential(nn.Conv2d(12, 12, 3, padding=1, groups=2, bias=False),
                                         nn.BatchNorm2d(12), nn.SiLU())
            self.head = nn.Sequential(nn.Conv2d(24, 32, 1), nn.Hardswish(), nn.AdaptiveAvgPool2d(1),
                                      nn.Flatten(), nn.Dropout(0.2), nn.Linear(32, 7))

        def forward(self, x):
            x = self.pointwise(self.se(self.depthwise(self.stem(x))))
            return self.head(torch.cat([x, self.grouped(x)], dim=1))

    class FullyConvolutional(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2))
            self.block = nn.Sequential(nn.Conv2d(8, 8, 3, padding=1, groups=8), nn.BatchNorm2d(8), nn.Hardswish(),
                                       nn.Conv2d(8, 8, 1), nn.BatchNorm2d(8), nn.ReLU6())
            self.head = nn.Conv2d(8, 4, 1)

        def forward(self, x):
            x = self.stem(x)
            return self.head(self.block(x) + x)

    def build(cls, seed):
        torch.manual_seed(seed)
        return randomize_batchnorm(cls())

    def export_legacy(model, x, opset, **options):
        buffer = io.BytesIO()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(model, (x,), buffer, dynamo=False, opset_version=opset, input_names=["input"],
                              output_names=["output"], dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
                              **options)
        return scrub(onnx.load_from_string(buffer.getvalue()))

    def export_dynamo(model, x, opset, dynamic_shapes):
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            program = torch.onnx.export(model, (x,), dynamo=True, opset_version=opset, input_names=["input"],
                                        output_names=["output"], dynamic_shapes=dynamic_shapes)
        return scrub(program.model_proto)

    def runs(model, name, shapes):
        out = []
        for suffix, what, shape in shapes:
            torch.manual_seed(zlib.crc32(f"{name}{suffix}".encode()))
            x = torch.randn(*shape)
            with torch.inference_mode():
                y = model(x)
            out.append(Run(suffix, what, x.numpy(), {"output": y.numpy()}))
        return out

    def scrub(model):
        """Drops what the exporter records about this machine: the torch.export-based exporter
        writes each node's Python stack trace (with file paths) into its metadata_props."""
        for node in model.graph.node:
            del node.metadata_props[:]
            node.doc_string = ""
        for holder in (model, model.graph):
            del holder.metadata_props[:]
        return model

    def node_output(model, op_type, index=0):
        return [n.output[0] for n in model.graph.node if n.op_type == op_type][index]

    cases = []
    residual = build(ResidualCNN, 1)
    shapes = [("", "batch 2", (2, 3, 24, 32)), ("3", "batch 3", (3, 3, 24, 32))]
    model = export_legacy(residual, torch.randn(2, 3, 24, 32), 13)
    cases.append(Case(
        "residual_cnn", model, "torch.onnx.export (dynamo=False)",
        "Residual CNN (BatchNorm folded into Conv by the exporter), MaxPool, AvgPool with ceil_mode, "
        "AdaptiveAvgPool2d(1), Flatten, Linear; dynamic batch",
        runs(residual, "residual_cnn", shapes),
        intermediates=[node_output(model, "Add"), node_output(model, "MaxPool")]))
    model = export_legacy(residual, torch.randn(2, 3, 24, 32), 13, do_constant_folding=False,
                          training=torch.onnx.TrainingMode.PRESERVE, keep_initializers_as_inputs=True)
    cases.append(Case(
        "residual_cnn_batchnorm", model, "torch.onnx.export (dynamo=False)",
        "residual_cnn's network and inputs exported without folding: explicit BatchNormalization nodes, "
        "Identity nodes, and every initializer also listed as a graph input (older exporters' habit)",
        runs(residual, "residual_cnn", shapes),
        intermediates=[node_output(model, "BatchNormalization", 1)]))

    depthwise = build(DepthwiseSECNN, 2)
    shapes = [("", "batch 2", (2, 3, 18, 22)), ("3", "batch 3", (3, 3, 18, 22))]
    model = export_legacy(depthwise, torch.randn(2, 3, 18, 22), 17)
    cases.append(Case(
        "depthwise_se_cnn", model, "torch.onnx.export (dynamo=False)",
        "Depthwise, grouped (2) and pointwise convs, ReLU6 (Clip), Hardswish, squeeze-excite with "
        "Hardsigmoid, SiLU (Sigmoid*Mul), Concat, Dropout (eval), Linear; dynamic batch",
        runs(depthwise, "depthwise_se_cnn", shapes),
        intermediates=[node_output(model, "Concat")]))

    from torch.export import Dim
    model = export_dynamo(depthwise, torch.randn(2, 3, 18, 22), 18, {"x": {0: Dim("batch")}})
    cases.append(Case(
        "dynamo_depthwise_se_cnn", model, "torch.onnx.export (dynamo=True)",
        "depthwise_se_cnn's network and inputs exported by the torch.export-based exporter; dynamic batch",
        runs(depthwise, "depthwise_se_cnn", shapes),
        intermediates=[node_output(model, "Concat")]))

    fcn = build(FullyConvolutional, 3)
    shapes = [("", "batch 2, 12x16", (2, 3, 12, 16)), ("3", "batch 3, 12x16", (3, 3, 12, 16)),
              ("_size2", "batch 1, 9x21", (1, 3, 9, 21))]
    model = export_dynamo(fcn, torch.randn(2, 3, 12, 16), 18,
                          {"x": {0: Dim("batch"), 2: Dim("height", min=2), 3: Dim("width", min=2)}})
    cases.append(Case(
        "dynamo_fcn", model, "torch.onnx.export (dynamo=True)",
        "Fully convolutional net (Conv, MaxPool, depthwise Conv, HardSwish, ReLU6, residual Add) from the "
        "torch.export-based exporter; dynamic batch, height and width",
        runs(fcn, "dynamo_fcn", shapes),
        intermediates=[node_output(model, "Add")]))
    return cases


# ----------------------------------------------------------------------------------------------
# Running and writing


def session(model_or_path, optimise: bool) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.graph_optimization_level = (
        ort.GraphOptimizationLevel.ORT_ENABLE_ALL if optimise else ort.GraphOptimizationLevel.ORT_DISABLE_ALL)
    source = model_or_path if isinstance(model_or_path, str) else model_or_path.SerializeToString()
    return ort.InferenceSession(source, options, providers=["CPUExecutionProvider"])


def with_outputs(model: onnx.ModelProto, names) -> onnx.ModelProto:
    """A copy of `model` that also returns the intermediate tensors `names`."""
    probe = copy.deepcopy(model)
    inferred = onnx.shape_inference.infer_shapes(model)
    types = {v.name: v for v in inferred.graph.value_info}
    for name in names:
        probe.graph.output.append(copy.deepcopy(types[name]) if name in types
                                  else helper.make_tensor_value_info(name, FLOAT, None))
    return probe


def graph_input(model):
    initializers = {t.name for t in model.graph.initializer}
    inputs = [i.name for i in model.graph.input if i.name not in initializers]
    assert len(inputs) == 1, inputs
    return inputs[0]


def file_label(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_.")


def relative_difference(a, b):
    scale = float(np.max(np.abs(b))) if b.size else 0.0
    difference = float(np.max(np.abs(a.astype(np.float64) - b))) if b.size else 0.0
    return difference / scale if scale > 0 else difference


def save(path, array):
    np.save(path, np.ascontiguousarray(array))


def write_case(case: Case, out: str, problems: list) -> dict:
    model = case.model
    onnx.checker.check_model(model, full_check=True)
    name = case.name
    model_path = os.path.join(out, name + ".onnx")
    if case.external_data:
        onnx.save_model(copy.deepcopy(model), model_path, save_as_external_data=True,
                        all_tensors_to_one_file=True, location=name + ".weights", size_threshold=0)
    else:
        with open(model_path, "wb") as handle:
            handle.write(model.SerializeToString())
    input_name = graph_input(model)
    graph_outputs = [o.name for o in model.graph.output]
    entry = {
        "name": name,
        "description": case.description,
        "model": name + ".onnx",
    }
    if case.external_data:
        entry["external_data"] = name + ".weights"
    entry.update({
        "producer": case.producer,
        "producer_version": model.producer_version,
        "opset": next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx")),
        "ir_version": model.ir_version,
        "parameter_count": int(sum(int(np.prod(t.dims)) for t in model.graph.initializer)),
        "op_counts": dict(sorted(collections.Counter(n.op_type for n in model.graph.node).items())),
    })
    if case.expect_error:
        entry["expect_error"] = case.expect_error
    # Every run with and without onnxruntime's graph optimisations; the unoptimised values are kept.
    source = model_path if case.external_data else with_outputs(model, case.intermediates)
    runs, worst = [], 0.0
    for run in case.runs:
        results = {}
        for optimise in (False, True):
            try:
                values = session(source, optimise).run(None, {input_name: run.input})
            except Exception as error:  # onnxruntime refused the model
                problems.append(f"{name}: onnxruntime refused it (optimise={optimise}): {error}")
                values = None
            results[optimise] = values
        input_file = f"{name}.input{run.suffix}.npy"
        save(os.path.join(out, input_file), run.input)
        record = {"what": run.what, "input": {"name": input_name, "file": input_file,
                                              "shape": list(run.input.shape)}}
        if results[False] is not None and not case.expect_error:
            names = graph_outputs + (case.intermediates if run.suffix == "" else [])
            outputs = {}
            for index, (tensor, value) in enumerate(zip(names, results[False])):
                if results[True] is not None:
                    difference = relative_difference(results[True][index], value)
                    worst = max(worst, difference)
                    if difference > OPTIMISATION_TOLERANCE:
                        problems.append(f"{name} {run.what}: {tensor} optimised vs not differs by "
                                        f"{difference:.2e} relative")
                if tensor in run.reference:
                    reference = run.reference[tensor]
                    print(f"  {name} {run.what}: onnxruntime vs PyTorch max |diff| "
                          f"{np.max(np.abs(value - reference)):.2e} (max |y| {np.max(np.abs(reference)):.2e})")
                label = "output" if index == 0 else file_label(tensor)
                outputs[tensor] = f"{name}.{label}{run.suffix}.npy"
                save(os.path.join(out, outputs[tensor]), value.astype(np.float32))
            record["outputs"] = outputs
        runs.append(record)
    entry["input"] = runs[0]["input"]
    if "outputs" in runs[0]:
        entry["outputs"] = runs[0]["outputs"]
    if case.intermediates:
        entry["intermediates"] = case.intermediates
    if len(runs) > 1:
        entry["more_runs"] = runs[1:]
    entry["batch_sizes_checked"] = sorted({int(r.input.shape[case.batch_axis]) for r in case.runs})
    print(f"{name}: opset {entry['opset']}, {entry['parameter_count']} parameters, "
          f"{os.path.getsize(model_path)} bytes, optimised vs not {worst:.1e} relative")
    return entry


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(ROOT, "Fixtures/onnx"), help="output folder")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    ort.set_default_logger_severity(3)  # not the warnings about initializers listed as inputs
    import torch
    import torchvision  # noqa: F401  (only its version is recorded)

    cases = torch_cases() + op_coverage_cases() + weight_cases() + [unsupported_case()]
    problems = []
    entries = [write_case(case, args.out, problems) for case in cases]
    manifest = {
        "generator": "Tools/onnx/make_fixtures.py",
        "expected_values": "onnxruntime CPU provider, 1 thread, graph optimisations disabled",
        "versions": {"onnx": onnx.__version__, "onnxruntime": ort.__version__,
                     "torch": torch.__version__.split("+")[0], "numpy": np.__version__},
        "cases": entries,
    }
    text = json.dumps(manifest, indent=2)
    # Shapes and batch sizes on one line each.
    text = re.sub(r"\[[\s\d,-]*\]", lambda m: re.sub(r"\s+", "", m.group(0)).replace(",", ", "), text)
    with open(os.path.join(args.out, "manifest.json"), "w") as handle:
        handle.write(text + "\n")
    total = sum(os.path.getsize(os.path.join(args.out, f)) for f in os.listdir(args.out))
    print(f"{len(entries)} cases, {len(os.listdir(args.out))} files, {total / 1024:.0f} KiB in {args.out}")
    for problem in problems:
        print("WARNING:", problem, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
