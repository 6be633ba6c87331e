import { Command, Flags } from '@oclif/core';

export default class Scan extends Command {
  static override summary = 'Check that every SDK call is dominated by a consent check (the default command).';
  static override description = `Scans PATHs (default: the current directory). With PATHs that are files, findings are reported only for those files, but the analysis still covers the whole project around them.

Scan root: the directory of the config file (--config, or the nearest consent-lint.config.json upward from the first PATH to the repository root); else the first PATH when it is a directory; else the git top level of the files. Report paths are relative to it.

Exit codes: 0 no error-level findings (and warnings within --max-warnings); 1 findings, or files that could not be read or analysed in time; 2 usage, config or policy error, an include glob matching no file; 3 the report could not be written to stdout (closed pipe).
Other commands:
  consent-lint init [DIR]          write a starter consent-lint.config.json
  consent-lint policies            list policies, rules and CMP guard packs
  consent-lint validate FILE...    validate config, policy and baseline files
  consent-lint explain RULE_ID     what a rule checks, why, how to fix
  consent-lint help COMMAND        help for one command`;
  static override usage = ['[PATH...] [FLAGS]'];
  static override examples = [
    '<%= config.bin %>',
    '<%= config.bin %> src/ --format json --output consent-lint.json',
    '<%= config.bin %> --format sarif --output consent-lint.sarif',
    '<%= config.bin %> --changed origin/main',
    '<%= config.bin %> --staged',
    '<%= config.bin %> --write-baseline .consent-lint-baseline.json',
    '<%= config.bin %> --baseline .consent-lint-baseline.json',
    '<%= config.bin %> --print-config',
    '<%= config.bin %> --fix-dry-run',
    '<%= config.bin %> --no-prune',
  ];
  static override strict = false;
  static override flags = {
    config: Flags.string({
      char: 'c',
      description: 'config file (default: nearest consent-lint.config.json upward from the first PATH)',
      helpValue: 'FILE',
    }),
    format: Flags.string({
      char: 'f',
      description: 'report format (default: stylish; github when GITHUB_ACTIONS=true)',
      options: ['stylish', 'json', 'sarif', 'github'],
    }),
    output: Flags.string({ char: 'o', description: 'write the report to FILE instead of stdout', helpValue: 'FILE' }),
    policy: Flags.string({
      description:
        'SDK policy: built-in id, policy JSON file or package; repeatable (--policy a --policy b); replaces the configured SDK policies, keeps the CMP guard packs',
      multiple: true,
      multipleNonGreedy: true,
      helpValue: 'ID|FILE',
    }),
    'max-warnings': Flags.integer({
      description: 'exit 1 when warnings exceed N (-1: no limit)',
      default: -1,
      min: -1,
      helpValue: 'N',
    }),
    baseline: Flags.string({ description: 'report only findings not recorded in FILE', helpValue: 'FILE' }),
    'write-baseline': Flags.string({
      description: 'record the current findings in FILE and exit 0',
      helpValue: 'FILE',
    }),
    'prune-baseline': Flags.boolean({ description: 'with --baseline: remove entries that match no finding any more' }),
    color: Flags.boolean({ description: 'colours (default: when stdout is a terminal)', allowNo: true }),
    quiet: Flags.boolean({ char: 'q', description: 'report errors only (warnings still count for --max-warnings)' }),
    'fail-on-analysis-errors': Flags.boolean({
      description:
        'exit 1 when something that matters could not be analysed (a parse error, an unresolved SDK use, a file over its time budget); on by default: --no-fail-on-analysis-errors reports them without failing',
      allowNo: true,
      default: true,
    }),
    changed: Flags.string({
      description:
        'report findings in files changed since merge-base(REF, HEAD) (default HEAD: uncommitted changes), or depending on them; `--changed[=REF]`',
      helpValue: 'REF',
    }),
    staged: Flags.boolean({ description: 'report findings in staged files, or depending on them (pre-commit)' }),
    'sarif-output': Flags.string({ description: 'also write a SARIF report to FILE', helpValue: 'FILE' }),
    'json-output': Flags.string({ description: 'also write a JSON report to FILE', helpValue: 'FILE' }),
    cache: Flags.boolean({
      description: 'reuse the previous analysis when none of the inputs it read changed (sound across files)',
    }),
    fix: Flags.boolean({
      description:
        'wrap each fixable SDK call in the guard function your config declares (and import it); a fix is applied only when the re-run analysis no longer reports the finding',
    }),
    'fix-dry-run': Flags.boolean({ description: 'print the fixes --fix would make as a unified diff; change nothing' }),
    'print-config': Flags.boolean({
      description:
        'print the effective configuration (extends, presets, policies, guard packs, guards, rule severities) as JSON and exit',
    }),
    timeout: Flags.string({
      description:
        'per-file analysis time budget in seconds (default 30; 0: none); a file over it is reported as not analysed and its SDK calls become findings',
      helpValue: 'SECONDS',
    }),
    'total-timeout': Flags.string({
      description:
        'whole-run analysis time budget in seconds (default 0: none); what is not analysed in time is reported, never passed',
      helpValue: 'SECONDS',
    }),
    prune: Flags.boolean({
      description:
        'parse only the files that can lead to an SDK call or a consent check (the default); --no-prune parses every source file up front (exhaustive mode: slower, the same findings; a check of the pruning)',
      allowNo: true,
      default: true,
    }),
    'cache-location': Flags.string({
      description:
        'cache file or directory (default: $XDG_CACHE_HOME or ~/.cache /consent-lint/<root>-<hash>/, outside the repository; implies --cache)',
      helpValue: 'PATH',
    }),
  };

  public async run(): Promise<number> {
    const { normalizeScanArgv } = await import('../cli/argv.js');
    const { flags, argv } = await this.parse(Scan, normalizeScanArgv(this.argv, process.cwd()));
    const { scanFlagsFrom } = await import('../cli/scan-flags.js');
    const { runScan } = await import('../cli/scan.js');
    const { processIO } = await import('../cli/io.js');
    return runScan(scanFlagsFrom(flags, argv), processIO());
  }
}
