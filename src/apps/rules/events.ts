import { EventEmitter } from 'node:events';

/** A rule was created or changed in this server: the schedules re-read it at once. */
export const ruleEvents = new EventEmitter();
export const ruleChanged = (id: string) => ruleEvents.emit('changed', id);
