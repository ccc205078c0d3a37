/**
 * Connectors (汇聚): department databases (MySQL / MariaDB, PostgreSQL) synced in full or by an
 * incremental cursor on a schedule, records pushed through the API, and MQTT sensor streams —
 * every record through the same ingest pipeline as an uploaded file.
 */
export { sources, type SourceInput, type SourcePatch } from './sources.ts';
export { startRun, sourceCaller, type StartedRun } from './runner.ts';
export { startSources, type SourcesHandle, type StartOptions } from './start.ts';
export { sourceRoutes } from './routes.ts';
export { pushRecords, pushBatcher } from './push/pushRecords.ts';
export type { PushResult } from './push/PushBatcher.ts';
export type { RecordError } from './push/recordErrors.ts';
export { SENSOR_DATASET, SENSOR_FIELDS } from './sensors/sensorFields.ts';
export { SensorSubscriber, type SensorStats } from './sensors/SensorSubscriber.ts';
export { checkReadOnlyQuery } from './db/readOnlyQuery.ts';
export { sourcePassword } from './passwords.ts';
export { CONNECT_FAILED } from './sourceConnect.ts';
export { TargetPolicy, targetPolicy } from './TargetPolicy.ts';
export type { Source, SourceKind, SourceRun, SourceState, DbSettings, MqttSettings, SyncMode, RunProgress } from './types.ts';
