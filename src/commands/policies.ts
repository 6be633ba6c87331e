import { Command, Flags } from '@oclif/core';

export default class Policies extends Command {
  static override summary =
    'List built-in and configured policies, their rules (severity, required purposes) and guard packs.';
  static override examples = ['<%= config.bin %> policies', '<%= config.bin %> policies --format json'];
  static override flags = {
    config: Flags.string({
      char: 'c',
      description: 'config file (default: nearest consent-lint.config.json upward from the current directory)',
      helpValue: 'FILE',
    }),
    format: Flags.string({ char: 'f', options: ['text', 'json'], default: 'text', description: 'output format' }),
    color: Flags.boolean({ allowNo: true, description: 'colours (default: when stdout is a terminal)' }),
  };

  public async run(): Promise<number> {
    const { flags } = await this.parse(Policies);
    const { runPolicies } = await import('../cli/info.js');
    const { processIO } = await import('../cli/io.js');
    return runPolicies(
      {
        ...(flags.config ? { config: flags.config } : {}),
        format: flags.format as 'text' | 'json',
        ...(flags.color !== undefined ? { color: flags.color } : {}),
      },
      processIO(),
    );
  }
}
