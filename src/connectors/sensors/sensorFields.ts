import type { Field } from '../../catalog/index.ts';

/** Fields a sensor dataset must have, and the field types each accepts. */
export const SENSOR_FIELDS: { name: string; type: string; accepts: string[] }[] = [
  { name: 'device', type: 'string', accepts: ['string'] },
  { name: 'metric', type: 'string', accepts: ['string'] },
  { name: 'value', type: 'number', accepts: ['number', 'decimal', 'integer'] },
  { name: 'time', type: 'timestamp', accepts: ['timestamp'] },
  { name: 'payload', type: 'string', accepts: ['string'] },
];

/** The time-series dataset a sensor source writes: register a dataset with these fields and key. */
export const SENSOR_DATASET: { fields: Field[]; primaryKey: string[] } = {
  fields: [
    { name: 'device', title: '设备', type: 'string', required: true, sensitivity: 'L2' },
    { name: 'metric', title: '指标', type: 'string', required: true, sensitivity: 'L2' },
    { name: 'value', title: '数值', type: 'number', required: true, sensitivity: 'L2' },
    { name: 'time', title: '时间', type: 'timestamp', required: true, sensitivity: 'L2' },
    { name: 'payload', title: '原始报文', type: 'string', sensitivity: 'L2' },
  ],
  // a message delivered twice (MQTT QoS 1 is at least once) lands once
  primaryKey: ['device', 'metric', 'time'],
};
