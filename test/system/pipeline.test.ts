// The foundation's end-to-end scenarios with ordinary, once-only delivery.
import { pipelineScenarios } from './pipeline-scenarios.ts';

pipelineScenarios();
