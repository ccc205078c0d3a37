/**
 * Listeners that play a database server or MQTT broker just far enough to receive what a client
 * sends to log in, and remember every byte: the stand-in for a host an attacker controls.
 *   - MySQL: a protocol-10 handshake offering mysql_native_password; the client answers with a
 *     scramble of its password that the listener can check against a guess (the same offline
 *     check that cracks it), then gets "access denied".
 *   - PostgreSQL: asks for the password in clear (AuthenticationCleartextPassword, 'R' code 3);
 *     the pg client sends it as it is.
 *   - MQTT: a CONNECT packet carries the password in clear.
 *   - silent: accepts and never answers (a connection test times out);
 *   - http: answers every connection with an HTTP error (the wrong protocol).
 */
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';

export type FakeKind = 'mysql' | 'postgres' | 'mqtt' | 'silent' | 'http';

interface Conn {
  nonce: Buffer;
  data: Buffer;
}

export interface FakeServer {
  kind: FakeKind;
  host: string;
  port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Everything received, over all connections. */
  readonly received: Buffer;
  /** Did any connection carry this password (in clear, or as the MySQL scramble of it)? */
  got(password: string): boolean;
  close(): Promise<void>;
}

const sha1 = (b: Buffer | string) => createHash('sha1').update(b).digest();

/** What mysql_native_password sends: SHA1(pw) XOR SHA1(nonce + SHA1(SHA1(pw))). */
export function nativeScramble(password: string, nonce: Buffer): Buffer {
  const a = sha1(password);
  const b = sha1(Buffer.concat([nonce, sha1(a)]));
  return Buffer.from(a.map((x, i) => x ^ b[i]!));
}

function mysqlPacket(seq: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUIntLE(payload.length, 0, 3);
  h[3] = seq;
  return Buffer.concat([h, payload]);
}

function mysqlHandshake(nonce: Buffer): Buffer {
  // LONG_PASSWORD | FOUND_ROWS | LONG_FLAG | CONNECT_WITH_DB | PROTOCOL_41 | TRANSACTIONS | SECURE_CONNECTION | MULTI_RESULTS | PLUGIN_AUTH
  const caps = 0x1 | 0x2 | 0x4 | 0x8 | 0x200 | 0x2000 | 0x8000 | 0x20000 | 0x80000;
  const u16 = (n: number) => Buffer.from([n & 0xff, (n >> 8) & 0xff]);
  return mysqlPacket(0, Buffer.concat([
    Buffer.from([10]), Buffer.from('5.7.99-fake\0'), Buffer.from([1, 0, 0, 0]), nonce.subarray(0, 8), Buffer.from([0]),
    u16(caps & 0xffff), Buffer.from([33]), u16(2), u16(caps >>> 16), Buffer.from([21]), Buffer.alloc(10),
    nonce.subarray(8, 20), Buffer.from([0]), Buffer.from('mysql_native_password\0'),
  ]));
}

const MYSQL_DENIED = mysqlPacket(2, Buffer.concat([Buffer.from([0xff, 0x15, 0x04]), Buffer.from('#28000Access denied')]));
const PG_ASK_CLEARTEXT = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3]);
const PG_DENIED = (() => {
  const body = Buffer.from('SFATAL\0C28P01\0Mpassword authentication failed\0\0');
  const h = Buffer.alloc(5);
  h[0] = 0x45;
  h.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([h, body]);
})();

/** Start a fake server on host (a loopback address) and a free port, or the port given. */
export async function fakeServer(kind: FakeKind, host = '127.0.0.1', port = 0): Promise<FakeServer> {
  const conns: Conn[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    // printable bytes, as a real server's nonce
    const nonce = Buffer.from([...randomBytes(20)].map((b) => 0x21 + (b % 90)));
    const conn: Conn = { nonce, data: Buffer.alloc(0) };
    conns.push(conn);
    let pgStage = 0;
    socket.on('data', (chunk) => {
      conn.data = Buffer.concat([conn.data, chunk]);
      if (kind === 'mysql') {
        socket.end(MYSQL_DENIED);
      } else if (kind === 'postgres') {
        // SSLRequest: refuse TLS; startup message: ask for the password in clear; password message: deny
        if (pgStage === 0 && chunk.length >= 8 && chunk.readUInt32BE(4) === 80877103) return void socket.write('N');
        if (pgStage === 0) {
          pgStage = 1;
          return void socket.write(PG_ASK_CLEARTEXT);
        }
        socket.end(PG_DENIED);
      } else if (kind === 'mqtt') {
        socket.destroy();
      } else if (kind === 'http') {
        socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n');
      }
    });
    if (kind === 'mysql') socket.write(mysqlHandshake(nonce));
    if (kind === 'http') socket.write('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as net.AddressInfo;
  return {
    kind, host, port: addr.port,
    get connections() {
      return conns.length;
    },
    get received() {
      return Buffer.concat(conns.map((c) => c.data));
    },
    got(password: string) {
      return conns.some((c) => c.data.includes(Buffer.from(password)) || (kind === 'mysql' && c.data.includes(nativeScramble(password, c.nonce))));
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
