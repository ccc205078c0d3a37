import { problem } from '../../kernel/index.ts';
import type { OutcomeHandler, RuleKind } from './types.ts';

const handlers = new Map<RuleKind, OutcomeHandler>();

/** What each kind of rule does with its rows: collide (findings) and push (notices) register here. */
export function registerOutcome(handler: OutcomeHandler): void {
  handlers.set(handler.kind, handler);
}

export function outcomeOf(kind: RuleKind): OutcomeHandler {
  const h = handlers.get(kind);
  if (!h) throw problem('conflict', `规则类型 ${kind} 未启用 / rules of kind ${kind} are not enabled on this server`);
  return h;
}
