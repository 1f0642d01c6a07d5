// Synthesizes the demo stack once; each system test file starts its own runtime from cdk.out.
import { synth } from '../../local/start.ts';

export default function setup(): void {
  synth({ tenant: 'demo' });
}
