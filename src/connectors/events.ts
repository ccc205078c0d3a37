import { EventEmitter } from 'node:events';

/**
 * In-process news about sources: `changed` (created, edited, deleted) so the scheduler and the
 * sensor subscribers of this process pick it up at once (other processes poll).
 */
export const sourceEvents = new EventEmitter();
sourceEvents.setMaxListeners(50);

export const sourceChanged = (id: string) => sourceEvents.emit('changed', id);
