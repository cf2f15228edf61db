export * from "./karpenter-node-pool";
