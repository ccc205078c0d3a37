/** Control of this machine's Mosquitto for the sensor tests: stop it (SIGTERM: it saves its sessions) and start it again. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

export const BROKER_URL = 'mqtt://127.0.0.1:1883';
const PID_FILE = '/run/mosquitto/mosquitto.pid';
const CONF = '/etc/mosquitto/mosquitto.conf';

export function brokerListening(port = 1883): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });
}

async function until(what: string, fn: () => Promise<boolean> | boolean, timeoutMs = 15_000) {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`broker: timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2]!.startsWith('Z');
  } catch {
    return false;
  }
};

/** Stop the broker (SIGTERM, so it writes its persistence file) and wait until it is gone. */
export async function stopBroker(): Promise<void> {
  const pid = Number(fs.readFileSync(PID_FILE, 'utf8').trim());
  process.kill(pid, 'SIGTERM');
  await until('the broker has exited', () => !alive(pid));
  await until('the port is closed', async () => !(await brokerListening()));
}

/** Start the broker the way this machine runs it, unless it is already up. */
export async function startBroker(): Promise<void> {
  if (await brokerListening()) return;
  execFileSync('mosquitto', ['-d', '-c', CONF]);
  await until('the broker listens', () => brokerListening());
}
