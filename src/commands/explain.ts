import { Args, Command, Flags } from '@oclif/core';

export default class Explain extends Command {
  static override summary =
    'Explain a rule: what it checks, why (legal basis), compliant and non-compliant code, how to fix.';
  static override examples = [
    '<%= config.bin %> explain leanplum/init',
    '<%= config.bin %> explain consent-lint/invalid-directive',
  ];
  static override args = { ruleId: Args.string({ description: 'rule id, e.g. leanplum/init', required: true }) };
  static override flags = {
    config: Flags.string({
      char: 'c',
      description: 'config file (for configured policies and severities)',
      helpValue: 'FILE',
    }),
    color: Flags.boolean({ allowNo: true, description: 'colours (default: when stdout is a terminal)' }),
  };

  public async run(): Promise<number> {
    const { args, flags } = await this.parse(Explain);
    const { runExplain } = await import('../cli/info.js');
    const { processIO } = await import('../cli/io.js');
    return runExplain(
      args.ruleId,
      {
        ...(flags.config ? { config: flags.config } : {}),
        ...(flags.color !== undefined ? { color: flags.color } : {}),
      },
      processIO(),
    );
  }
}
