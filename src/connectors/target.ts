import type { DbSettings, MqttSettings, SourceKind } from './types.ts';

/** Where a source connects, and as whom: what a stored password belongs to. */
export interface Target {
  kind: SourceKind;
  /** `mysql` / `postgres`, or the broker URL's scheme (`mqtt`, `mqtts`, `ws`, `wss`). */
  protocol: string;
  host: string;
  port: number;
  /** Database name, or the WebSocket path of a broker ('' for mqtt/mqtts). */
  database: string;
  user: string;
  ssl: boolean;
}

/** Default port of each broker URL scheme (what mqtt.js connects to when the URL names none). */
export const MQTT_PORTS: Record<string, number> = { mqtt: 1883, mqtts: 8883, ws: 80, wss: 443 };

/** A host as compared and resolved: lower case, without a trailing dot or IPv6 brackets. */
export const normalHost = (h: string) => h.trim().toLowerCase().replace(/\.$/, '').replace(/^\[(.*)\]$/, '$1');

/** The broker URL's parts (null: not a URL with a host). */
export function brokerUrl(url: string): { protocol: string; host: string; port: number; path: string } | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  const protocol = u.protocol.replace(/:$/, '');
  if (!(protocol in MQTT_PORTS) || !u.hostname) return null;
  return { protocol, host: normalHost(u.hostname), port: u.port ? Number(u.port) : MQTT_PORTS[protocol]!, path: protocol.startsWith('ws') ? u.pathname || '/' : '' };
}

/** The target of checked settings (see checkSettings: defaults are filled in). */
export function targetOf(kind: SourceKind, settings: DbSettings | MqttSettings): Target {
  if (kind === 'mqtt') {
    const s = settings as MqttSettings;
    const u = brokerUrl(s.url) ?? { protocol: '', host: s.url, port: 0, path: '' };
    return { kind, protocol: u.protocol, host: u.host, port: u.port, database: u.path, user: s.username ?? '', ssl: u.protocol === 'mqtts' || u.protocol === 'wss' };
  }
  const s = settings as DbSettings;
  return { kind, protocol: kind, host: normalHost(s.host), port: s.port, database: s.database, user: s.user, ssl: !!s.ssl };
}

/** One string per target: equal strings, same target. It is sealed into the stored password's associated data. */
export function targetKey(kind: SourceKind, settings: DbSettings | MqttSettings): string {
  const t = targetOf(kind, settings);
  return JSON.stringify([t.kind, t.protocol, t.host, t.port, t.database, t.user, t.ssl]);
}

export const sameTarget = (kind: SourceKind, a: DbSettings | MqttSettings, b: DbSettings | MqttSettings) => targetKey(kind, a) === targetKey(kind, b);
