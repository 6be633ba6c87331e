/**
 * One reporter, loaded on demand: a run imports the formatter it prints with
 * and no other (the CLI's start-up; `./index.ts` imports them all).
 */
import type { Format, Reporter } from './types.js';

export async function loadReporter(format: Format): Promise<Reporter> {
  switch (format) {
    case 'json':
      return (await import('./json.js')).formatJson;
    case 'sarif':
      return (await import('./sarif.js')).formatSarif;
    case 'github':
      return (await import('./github.js')).formatGithub;
    case 'stylish':
      return (await import('./stylish.js')).formatStylish;
  }
}
