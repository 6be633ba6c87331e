#!/usr/bin/env node
// consent-lint CLI entry. `consent-lint [PATH...] [FLAGS]` runs the `scan`
// command; `init`, `policies`, `validate`, `explain`, `help`, `--help`,
// `--version` run their own command. Commands *return* an exit code (no
// process.exit in library code); every unexpected error, including flag parse
// errors, exits 2 (oclif's default would be 1, which means "findings").
//
// Start-up: a plain scan command line (known flags, valid values: see
// src/cli/scan-flags.ts) runs without loading @oclif/core, whose loading and
// config discovery cost more than a small scan itself; everything else (help,
// --version, other commands, unusual or invalid flags) goes through oclif.
// The fast path runs from dist/bundle/ (built by `npm run build`, see bin/fast-path.js) when present.
// This file is CommonJS (bin/package.json): Node starts a CommonJS main without its ES module loader.
'use strict';

const { join } = require('node:path');

async function main() {
  let fastScan;
  let dispatchArgv;
  try {
    // The fast path bundled, with V8's code cache (bin/fast-path.js), else as compiled.
    ({ fastScan } = require('./fast-path.js').loadBundle()?.exports ?? (await import('../dist/cli/scan-flags.js')));
  } catch (error) {
    process.stderr.write(
      `consent-lint: cannot load the compiled CLI (${error?.message ?? error}); run \`npm run build\` first\n`,
    );
    process.exit(2);
  }

  let code = 2;
  try {
    let result = await fastScan(process.argv.slice(2));
    if (result === undefined) {
      const { flush, run, settings } = await import('@oclif/core');
      // Always run the compiled dist/ (never transpile on the fly, whatever NODE_ENV says).
      settings.enableAutoTranspile = false;
      ({ dispatchArgv } = await import('../dist/cli/argv.js'));
      // The package's root (bin/package.json only sets this folder's module type).
      result = await run(dispatchArgv(process.argv.slice(2)), join(__dirname, '..'));
      await flush();
    }
    code = typeof result === 'number' ? result : 0;
  } catch (error) {
    if (error && error.code === 'EEXIT' && typeof error.oclif?.exit === 'number') {
      code = error.oclif.exit;
    } else {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`consent-lint: ${message.replace(/\n(?=See more help)/, '\n')}\n`);
      if (process.env.DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
      code = 2;
    }
  }
  process.exitCode = code;
  // Safety net: if a library left a handle open, still exit once output is flushed.
  setTimeout(() => process.exit(code), 3000).unref();
}

main();
