import cliProgress from 'cli-progress';

/** A progress bar on an interactive terminal; plain periodic lines otherwise (CI, pipes). */
export function progressBar(label: string, total: number, unit = 'rows') {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {eta_formatted}`, stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return { update: (n: number) => bar.update(n), setTotal: (t: number) => bar.setTotal(t), stop: () => bar.stop() };
  }
  let last = 0;
  return {
    update(n: number) {
      const now = Date.now();
      if (now - last > 2000) {
        last = now;
        process.stderr.write(`${label}: ${n}/${total} ${unit}\n`);
      }
    },
    setTotal(t: number) { total = t; },
    stop() { process.stderr.write(`${label}: done\n`); },
  };
}
