import { it } from 'vitest';
import { memoryIO } from '../src/cli/io.js';
import { runWhy } from '../src/cli/why.js';
it('dbg', async () => {
  const io = memoryIO({ cwd: process.env.DBG_ROOT! });
  await runWhy(process.env.DBG_LOC!, {}, io);
  console.log(io.out + io.err);
});
