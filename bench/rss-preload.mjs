// Loaded with `node --import` by bench/run.mjs when /usr/bin/time is missing:
// writes "maxRSS_KiB user_s sys_s" of this process to $BENCH_RSS_FILE at exit.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      const u = process.resourceUsage();
      writeFileSync(file, `${u.maxRSS} ${u.userCPUTime / 1e6} ${u.systemCPUTime / 1e6}\n`);
    } catch {
      // nothing sensible to do at exit
    }
  });
}
