// Trigger Lambdas (R4): code-level rules for what declarative rules cannot express. One function +
// one EventBridge rule (with retries and a dead-letter queue) per entry of triggers/index.ts.
import { Construct } from 'constructs';
import { triggers } from '../../triggers/index.ts';
import { AppFunction, pascalCase } from '../app-function.ts';
import type { FeatureProps } from '../core.ts';
import { ruleToFunction } from './rule-target.ts';
import { Tasks } from './tasks.ts';

export class TriggerLambdas extends Construct {
  readonly functions: Record<string, AppFunction> = {};

  constructor(scope: Construct, id: string, { core, config }: FeatureProps) {
    super(scope, id);
    for (const t of triggers) {
      const fn = new AppFunction(this, t.name, { entry: `triggers/${t.name}.ts` }).bindTable(core.table, 'RW').bindTenant(config);
      if (t.webSocket) fn.bindWebSocket(core.webSocketStage);
      if (t.bus) fn.bindBus(core.bus);
      if (t.scheduler) fn.bindScheduler(Tasks.of(this).scheduling);
      ruleToFunction(this, pascalCase(t.name), { bus: core.bus, eventPattern: t.pattern, target: fn, description: `${t.description} (triggers/${t.name}.ts)` });
      this.functions[t.name] = fn;
    }
  }
}
