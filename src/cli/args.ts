import { parseArgs } from 'node:util';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** The value's placeholder in help, for string options: `FILE`. */
  value?: string;
  description: string;
}

/** What a command accepts: its declared options and how many positional arguments. */
export interface ArgsSpec {
  name: string;
  /** The positional part of the usage line, e.g. `<spool id | Message-ID>`. */
  arguments: string;
  summary: string;
  options: Record<string, OptionSpec>;
  positionals: { min: number; max: number };
  /** Longer help: what the arguments mean, where defaults come from. */
  details?: string;
}

export interface ParsedArgs {
  positional: string[];
  /** Only the options given; a boolean option given is `true`. */
  flags: ReadonlyMap<string, string | boolean>;
}

/** A mistake in how the command was called: the CLI answers with the usage and exit status 64. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const CONFIG_OPTION: Record<string, OptionSpec> = {
  config: {
    type: 'string',
    value: 'FILE',
    description: 'the config file (default: $POSTROOM_CONFIG, else config/postroom.yml)',
  },
};

/** Parses a command's arguments (the words after its name); `help` when --help or -h is among them. */
export function parseCommandArgs(spec: ArgsSpec, argv: string[]): ParsedArgs | 'help' {
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: Object.fromEntries(Object.entries(spec.options).map(([name, option]) => [name, { type: option.type }])),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(explain(error, spec));
  }
  const { positionals, values } = parsed;
  const { min, max } = spec.positionals;
  if (positionals.length < min) throw new UsageError(`expects ${spec.arguments}`);
  if (positionals.length > max) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[max])}`);
  }
  const flags = new Map<string, string | boolean>();
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === 'string' || typeof value === 'boolean') flags.set(name, value);
  }
  return { positional: positionals, flags };
}

export function usageLine(spec: ArgsSpec): string {
  const options = Object.entries(spec.options).map(([name, option]) =>
    option.type === 'string' ? `[--${name} ${option.value ?? 'VALUE'}]` : `[--${name}]`,
  );
  return ['usage: postroom', spec.name, spec.arguments, ...options].filter(Boolean).join(' ');
}

export function commandHelp(spec: ArgsSpec): string {
  const rows = Object.entries(spec.options).map(([name, option]) => {
    const left = option.type === 'string' ? `--${name} ${option.value ?? 'VALUE'}` : `--${name}`;
    return `  ${left.padEnd(18)} ${option.description}`;
  });
  rows.push(`  ${'--help'.padEnd(18)} this help`);
  return [
    usageLine(spec),
    '',
    spec.summary,
    ...(spec.details ? ['', spec.details] : []),
    '',
    'options:',
    ...rows,
    '',
  ].join('\n');
}

/** node:util's messages name the option but also talk about `--` escapes; ours say what to do. */
function explain(error: unknown, spec: ArgsSpec): string {
  const code = (error as NodeJS.ErrnoException).code;
  const option = /'(-{1,2}[^' ]+)/.exec((error as Error).message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const known = Object.keys(spec.options).map((name) => `--${name}`);
    return `unknown option ${option}${known.length ? ` (known: ${known.join(', ')}, --help)` : ' (it takes none but --help)'}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const name = option.replace(/^-+/, '');
    return spec.options[name]?.type === 'boolean'
      ? `option ${option} takes no value`
      : `option ${option} needs a value: ${option} ${spec.options[name]?.value ?? 'VALUE'}`;
  }
  return (error as Error).message;
}
