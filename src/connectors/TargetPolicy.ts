import dns from 'node:dns/promises';
import net from 'node:net';
import os from 'node:os';
import { type Config, fieldProblem } from '../kernel/index.ts';
import { normalHost } from './target.ts';

type Family = 'ipv4' | 'ipv6';

/** One entry of GOVHUB_SOURCE_ALLOW / GOVHUB_SOURCE_DENY: a CIDR or address, a host name or `*.suffix`, each with an optional port; or `*`. */
type Entry = { text: string; port?: number } & ({ type: 'net'; list: net.BlockList } | { type: 'name'; name: string; suffix: boolean } | { type: 'all' });

/**
 * Refused unless an allow entry names them: "this network", loopback, link-local (cloud metadata at
 * 169.254.169.254 and Tencent's 169.254.0.23), multicast, reserved and broadcast, Alibaba Cloud's
 * metadata address, and their IPv6 counterparts (AWS's IPv6 metadata address included).
 */
const RESTRICTED: [string, number, Family][] = [
  ['0.0.0.0', 8, 'ipv4'], ['127.0.0.0', 8, 'ipv4'], ['169.254.0.0', 16, 'ipv4'], ['224.0.0.0', 4, 'ipv4'], ['240.0.0.0', 4, 'ipv4'],
  ['100.100.100.200', 32, 'ipv4'],
  ['::', 128, 'ipv6'], ['::1', 128, 'ipv6'], ['fe80::', 10, 'ipv6'], ['ff00::', 8, 'ipv6'], ['fd00:ec2::254', 128, 'ipv6'],
];

const LOOPBACK = ['127.0.0.1', '::1'];
const NAME = /^(\*\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/;

const familyOf = (addr: string): Family => (net.isIP(addr) === 6 ? 'ipv6' : 'ipv4');

/** `localhost` and every name under it are loopback (RFC 6761), whatever a resolver says. */
const isLocalhostName = (name: string) => name === 'localhost' || name.endsWith('.localhost');

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d or ::ffff:XXXX:XXXX) as the IPv4 address it is. */
export function unmapped(addr: string): string {
  const m = /^(?:0{0,4}:){0,5}:?ffff:(.+)$/i.exec(addr);
  if (!m || net.isIP(addr) !== 6) return addr;
  if (net.isIPv4(m[1]!)) return m[1]!;
  const g = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(m[1]!);
  if (!g) return addr;
  const [hi, lo] = [parseInt(g[1]!, 16), parseInt(g[2]!, 16)];
  return [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff].join('.');
}

function parseEntry(raw: string, variable: string): Entry {
  const text = raw.trim();
  const bad = () => new Error(`${variable}: not a source target: ${raw} (CIDR, address or host name, each optionally with :port, or *)`);
  if (text === '*') return { type: 'all', text };
  let host = text;
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) [host, port] = [bracketed[1]!, bracketed[2] ? Number(bracketed[2]) : undefined];
  else if ((text.match(/:/g) ?? []).length === 1) [host, port] = [text.slice(0, text.indexOf(':')), Number(text.slice(text.indexOf(':') + 1))];
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) throw bad();
  const [addr, prefix, ...more] = host.split('/');
  if (net.isIP(addr!)) {
    const family = familyOf(addr!);
    const max = family === 'ipv4' ? 32 : 128;
    const bits = prefix === undefined ? max : Number(prefix);
    if (more.length || !/^\d*$/.test(prefix ?? '') || !(Number.isInteger(bits) && bits >= 0 && bits <= max)) throw bad();
    const list = new net.BlockList();
    list.addSubnet(unmapped(addr!), bits, net.isIP(unmapped(addr!)) === 4 ? 'ipv4' : family);
    return { type: 'net', list, port, text };
  }
  const name = normalHost(host);
  if (prefix !== undefined || !NAME.test(name)) throw bad();
  return { type: 'name', name: name.replace(/^\*\./, ''), suffix: name.startsWith('*.'), port, text };
}

/**
 * Which hosts a source may connect to (SSRF, OWASP API7). In order:
 *   1. an entry of GOVHUB_SOURCE_DENY names it: refused;
 *   2. the platform's own control-plane database (its address and port, and when that is this
 *      machine, every address of this machine at that port): refused unless an allow entry names
 *      it *with its port* — allowing loopback for a department database next door does not open it;
 *   3. an entry of GOVHUB_SOURCE_ALLOW names it: allowed;
 *   4. GOVHUB_SOURCE_DENY holds `*`: refused (only the allow list is reachable);
 *   5. a restricted address (loopback, link-local, metadata, multicast, reserved) or an address of
 *      this machine: refused;
 *   6. anything else — the departments' own networks — allowed.
 * Host names are checked as written (name entries) and, on connecting, by every address they resolve
 * to; the connection then goes to the address checked (pinned), so a name cannot change its answer
 * between the check and the connection (DNS rebinding).
 */
export class TargetPolicy {
  private allow: Entry[];
  private deny: Entry[];
  private denyAll: boolean;
  private restricted = new net.BlockList();
  private own = new Set<string>();
  private controlPlane: { host: string; port: number } | null = null;
  private controlPlaneAddrs: Promise<Set<string>> | null = null;

  constructor(config: Pick<Config, 'sourceAllow' | 'sourceDeny' | 'databaseUrl'>) {
    this.allow = (config.sourceAllow ?? []).map((e) => parseEntry(e, 'GOVHUB_SOURCE_ALLOW'));
    const deny = (config.sourceDeny ?? []).map((e) => parseEntry(e, 'GOVHUB_SOURCE_DENY'));
    if (this.allow.some((e) => e.type === 'all')) throw new Error('GOVHUB_SOURCE_ALLOW: * would allow every address; list the networks to allow');
    this.denyAll = deny.some((e) => e.type === 'all');
    this.deny = deny.filter((e) => e.type !== 'all');
    for (const [addr, bits, family] of RESTRICTED) this.restricted.addSubnet(addr, bits, family);
    for (const i of Object.values(os.networkInterfaces()).flat()) if (i) this.own.add(unmapped(i.address.replace(/%.*$/, '')));
    if (config.databaseUrl) {
      try {
        const u = new URL(config.databaseUrl);
        if (u.hostname) this.controlPlane = { host: normalHost(u.hostname), port: u.port ? Number(u.port) : 5432 };
      } catch {
        // not a URL (a key/value connection string): nothing to compare with
      }
    }
  }

  /** Check a target as written, before saving or testing it; throws a field problem when it can already be told to be refused. */
  check(host: string, port: number, field = 'settings.host'): void {
    const name = normalHost(host);
    const addrs = net.isIP(name) ? [unmapped(name)] : isLocalhostName(name) ? LOOPBACK : null;
    const reasons = addrs ? addrs.map((a) => this.verdict(net.isIP(name) ? null : name, a, port, this.cpLiteral())) : [this.nameVerdict(name, port)];
    if (reasons.every((r) => r !== null)) throw fieldProblem(field, REFUSED);
  }

  /**
   * The address to connect to for this target: the first it resolves to that is allowed. Throws
   * (with the reasons, for the log) when there is none; the caller answers that like any other
   * failed connection.
   */
  async admit(host: string, port: number): Promise<string> {
    const name = normalHost(host);
    const addrs = net.isIP(name) ? [name] : isLocalhostName(name) ? LOOPBACK : (await dns.lookup(name, { all: true, verbatim: true })).map((a) => a.address);
    const cp = await this.cpResolved();
    const reasons: string[] = [];
    for (const a of addrs) {
      const why = this.verdict(net.isIP(name) ? null : name, unmapped(a), port, cp);
      if (!why) return a;
      reasons.push(`${a}: ${why}`);
    }
    throw new Error(`target ${host}:${port} refused by the source target policy: ${reasons.join('; ')}`);
  }

  private hit(e: Entry, name: string | null, addr: string | null, port: number): boolean {
    if (e.port !== undefined && e.port !== port) return false;
    if (e.type === 'net') return addr !== null && e.list.check(addr, familyOf(addr));
    if (e.type === 'name') return name !== null && (e.suffix ? name.endsWith(`.${e.name}`) : name === e.name);
    return false;
  }

  /** Why a name is refused on its own (a deny entry names it), or null. */
  private nameVerdict(name: string, port: number): string | null {
    return this.deny.some((e) => this.hit(e, name, null, port)) ? 'named by GOVHUB_SOURCE_DENY' : null;
  }

  /** Why this address (reached through this name, if any) at this port is refused, or null when it is allowed. */
  private verdict(name: string | null, addr: string, port: number, controlPlane: Set<string>): string | null {
    if (this.deny.some((e) => this.hit(e, name, addr, port))) return 'named by GOVHUB_SOURCE_DENY';
    if (this.controlPlane && port === this.controlPlane.port && controlPlane.has(addr))
      return this.allow.some((e) => e.port !== undefined && this.hit(e, name, addr, port)) ? null : 'the platform\'s own control plane database / 平台控制面数据库';
    if (this.allow.some((e) => this.hit(e, name, addr, port))) return null;
    if (this.denyAll) return 'not named by GOVHUB_SOURCE_ALLOW (GOVHUB_SOURCE_DENY=*)';
    if (this.restricted.check(addr, familyOf(addr))) return 'loopback, link-local, metadata, multicast or reserved address';
    if (this.own.has(addr)) return 'an address of this server';
    return null;
  }

  /** The control plane's addresses as far as they are known without asking a resolver. */
  private cpLiteral(): Set<string> {
    const cp = this.controlPlane;
    if (!cp) return new Set();
    const addrs = net.isIP(cp.host) ? [unmapped(cp.host)] : isLocalhostName(cp.host) ? LOOPBACK : [];
    return this.withOwn(addrs);
  }

  private cpResolved(): Promise<Set<string>> {
    const cp = this.controlPlane;
    if (!cp || net.isIP(cp.host) || isLocalhostName(cp.host)) return Promise.resolve(this.cpLiteral());
    this.controlPlaneAddrs ??= dns.lookup(cp.host, { all: true }).then((r) => this.withOwn(r.map((a) => unmapped(a.address))), () => new Set<string>());
    return this.controlPlaneAddrs;
  }

  /** A control plane on this machine answers on every address of it (and on loopback). */
  private withOwn(addrs: string[]): Set<string> {
    const set = new Set(addrs);
    const local = addrs.some((a) => this.own.has(a) || this.restricted.check(a, familyOf(a)));
    if (local) for (const a of [...this.own, ...LOOPBACK]) set.add(a);
    return set;
  }
}

/** The field error of a target the policy refuses (one message: it tells nothing about the network). */
export const REFUSED = '该地址不在允许的数据源范围内（回环、链路本地、云元数据地址与平台自身数据库默认禁止，由管理员在 GOVHUB_SOURCE_ALLOW 中放行）/ this address is not an allowed source target (loopback, link-local, cloud metadata and the platform\'s own database are refused unless GOVHUB_SOURCE_ALLOW names them)';

const policies = new WeakMap<Config, TargetPolicy>();

/** The policy of a configuration (built once; a bad entry throws, so start-up fails on it). */
export function targetPolicy(config: Config): TargetPolicy {
  let p = policies.get(config);
  if (!p) policies.set(config, (p = new TargetPolicy(config)));
  return p;
}
