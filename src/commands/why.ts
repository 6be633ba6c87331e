import { Args, Command, Flags } from '@oclif/core';

export default class Why extends Command {
  static override summary =
    'Explain one sink: every path to it, and the consent checks counted and not counted, with the reason.';
  static override examples = ['<%= config.bin %> why src/tracking.ts:42', '<%= config.bin %> why index.html:12 --json'];
  static override args = {
    location: Args.string({
      description: 'FILE:LINE of an SDK call (relative to the current directory)',
      required: true,
    }),
  };
  static override flags = {
    config: Flags.string({
      char: 'c',
      description: 'config file (default: the nearest consent-lint.config.json)',
      helpValue: 'FILE',
    }),
    json: Flags.boolean({ description: 'print the explanation as JSON' }),
  };

  public async run(): Promise<number> {
    const { args, flags } = await this.parse(Why);
    const { runWhy } = await import('../cli/why.js');
    const { processIO } = await import('../cli/io.js');
    return runWhy(
      args.location,
      { ...(flags.config ? { config: flags.config } : {}), ...(flags.json ? { json: true } : {}) },
      processIO(),
    );
  }
}
