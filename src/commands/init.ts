import { Args, Command, Flags } from '@oclif/core';

export default class Init extends Command {
  static override summary = 'Write a starter consent-lint.config.json for this repository.';
  static override description =
    "Detects the Leanplum SDK, consent-management platforms and the app's own consent helpers from package.json and import statements (text search only: nothing is executed) and writes a config with $schema and guard suggestions. Refuses to overwrite an existing file without --force.";
  static override examples = ['<%= config.bin %> init', '<%= config.bin %> init apps/web --force'];
  static override args = {
    dir: Args.string({ description: 'directory to write the config into (default: current directory)' }),
  };
  static override flags = { force: Flags.boolean({ description: 'overwrite an existing consent-lint.config.json' }) };

  public async run(): Promise<number> {
    const { args, flags } = await this.parse(Init);
    const { runInit } = await import('../cli/init.js');
    const { processIO } = await import('../cli/io.js');
    return runInit({ ...(args.dir ? { dir: args.dir } : {}), force: flags.force }, processIO());
  }
}
