/**
 * push — proactive service (推, 免申即享): push rules (kind 'push' of src/apps/rules) find citizens
 * and enterprises eligible for a service; each new event becomes a candidate notice for the
 * responsible department's second check; approved notices reach the citizen's inbox (and a text
 * message or webhook through src/apps/notify); the citizen reads, answers or opts out, and each
 * rule's outcome is counted. One notice per rule and event, ever. Importing this module registers
 * the `push` outcome with the rule engine.
 */
import { registerOutcome } from '../rules/index.ts';
import { pushOutcome } from './outcome.ts';

registerOutcome(pushOutcome);

export { pushOutcome, applyPush, type PushCounts } from './outcome.ts';
export { pushNotices, PUSH_PAGE_MAX, CHECK_MAX, type CheckInput, type CheckResult, type NoticeQuery, type RuleStats } from './service.ts';
export { inbox, type OptOut } from './inbox.ts';
export { STATUSES, OUTCOMES, type Status, type Outcome, type PushNotice, type InboxItem } from './store.ts';
export { render } from './render.ts';
export { pushRoutes } from './routes.ts';
