// The umbrella module: `import RegionKit` brings in every RegionKit library module.
@_exported import Boxes
@_exported import Datasets
@_exported import DetectorTraining
@_exported import Detectors
@_exported import Edges
@_exported import Evaluation
@_exported import Imaging
@_exported import NeuralNet
@_exported import ONNX
@_exported import Parallel
@_exported import ProposalIO
@_exported import ProposalRuns
@_exported import ProposalStudies
@_exported import Proposals
@_exported import Segmentation
