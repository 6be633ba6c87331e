/** Flow graphs and the must-analysis over them. */
export { buildFlowGraph, type FlowGraph, type FlowNode, type FlowEdge, type EdgeLabel, type Unsupported } from './graph.js';
export { mustGranted, type Grants, type States } from './dataflow.js';
