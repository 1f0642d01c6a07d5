// The same end-to-end scenarios with every EventBridge event delivered twice and in shuffled order:
// the outcomes must be the same as without chaos (I3, R5).
import { pipelineScenarios } from './pipeline-scenarios.ts';

pipelineScenarios({ chaos: { duplicate: true, shuffle: true } });
