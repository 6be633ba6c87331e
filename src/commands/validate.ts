import { Args, Command } from '@oclif/core';

export default class Validate extends Command {
  static override summary = 'Validate policy, config and baseline files against their schemas.';
  static override description =
    'Prints "FILE: valid (kind)" for a good file; for a bad one, "FILE: /json/pointer: what was expected" per problem, and exits 2.';
  static override examples = [
    '<%= config.bin %> validate consent-lint.config.json',
    '<%= config.bin %> validate policies/*.json',
  ];
  static override strict = false;
  static override args = { file: Args.string({ description: 'file(s) to validate', required: true }) };

  public async run(): Promise<number> {
    const { argv } = await this.parse(Validate);
    const { runValidate } = await import('../cli/info.js');
    const { processIO } = await import('../cli/io.js');
    return runValidate(argv as string[], processIO());
  }
}
