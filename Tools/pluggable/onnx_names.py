"""Gives intermediate tensors of an exported ONNX graph short names, so that RegionKit's
`MODEL.onnx:TENSOR` cuts can be written by hand (`resnet50.onnx:layer3`) instead of the
exporter's generated names (`/layer3/layer3.5/relu_2/Relu_output_0`)."""


def rename_tensor(model, old: str, new: str) -> None:
    """Renames tensor `old` to `new` everywhere in `model.graph` (node inputs and outputs,
    value_info, graph outputs).

    Raises:
        ValueError: when no node produces `old`, or `new` is already taken.
    """
    graph = model.graph
    produced = {name for node in graph.node for name in node.output}
    if old not in produced:
        raise ValueError(f"no node produces tensor {old!r}")
    taken = produced | {value.name for value in graph.input} | {init.name for init in graph.initializer}
    if new in taken:
        raise ValueError(f"tensor name {new!r} is already used")
    for node in graph.node:
        for names in (node.input, node.output):
            for i, name in enumerate(names):
                if name == old:
                    names[i] = new
    for value in list(graph.value_info) + list(graph.output):
        if value.name == old:
            value.name = new


def output_of_last(model, prefix: str, op_type: str | None = None) -> str:
    """The first output of the last node whose name starts with `prefix` (and has `op_type`).

    Raises:
        ValueError: when there is none.
    """
    found = [node for node in model.graph.node
             if node.name.startswith(prefix) and (op_type is None or node.op_type == op_type)]
    if not found:
        raise ValueError(f"no node named {prefix}*" + (f" of type {op_type}" if op_type else ""))
    return found[-1].output[0]
