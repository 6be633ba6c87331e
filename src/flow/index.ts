/** Flow graphs and the must-analysis over them. */
export { buildFlowGraph, type FlowGraph, type FlowNode } from './graph.js';
export { mustGranted, type Grants, type States } from './dataflow.js';
