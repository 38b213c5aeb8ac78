/**
 * Finds the command named by the leading words of argv (longest match), parses its options
 * with node:util.parseArgs, and runs it. Usage problems print why plus the help, exit 2.
 */
import { parseArgs } from 'node:util';
import { EXIT_OK, EXIT_USAGE, UsageError, type CliIO, type Command } from './command.js';

export async function dispatch(commands: readonly Command[], argv: readonly string[], io: CliIO): Promise<number> {
  const words = leadingWords(argv);
  const command = longestMatch(commands, words);
  const wantsHelp = argv.includes('--help') || argv.includes('-h');

  if (!command) {
    if (argv.length === 0 || (wantsHelp && words.length === 0) || words[0] === 'help') {
      io.out(overview(commands));
      return EXIT_OK;
    }
    io.err(`unknown command '${words.join(' ')}'\n\n${overview(commands)}`);
    return EXIT_USAGE;
  }
  if (wantsHelp) {
    io.out(command.help.endsWith('\n') ? command.help : command.help + '\n');
    return EXIT_OK;
  }
  const rest = argv.slice(command.words.length);
  try {
    const parsed = parseArgs({ args: [...rest], options: command.options, allowPositionals: true, strict: true });
    if (!command.allowPositionals && parsed.positionals.length > 0) {
      throw new UsageError(`unexpected argument '${parsed.positionals[0]}'`);
    }
    return await command.run({ values: parsed.values, positionals: parsed.positionals }, io);
  } catch (err) {
    if (err instanceof UsageError || isParseArgsError(err)) {
      io.err(`${(err as Error).message}\n\n${command.help}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
}

function leadingWords(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (const arg of argv) {
    if (arg.startsWith('-')) break;
    words.push(arg);
  }
  return words;
}

function longestMatch(commands: readonly Command[], words: readonly string[]): Command | undefined {
  let best: Command | undefined;
  for (const command of commands) {
    const fits = command.words.every((w, i) => words[i] === w);
    if (fits && (!best || command.words.length > best.words.length)) best = command;
  }
  return best;
}

function isParseArgsError(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code ?? '';
  return code.startsWith('ERR_PARSE_ARGS');
}

function overview(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.words.join(' ').length));
  const lines = commands.map((c) => `  ${c.words.join(' ').padEnd(width)}  ${c.summary}`);
  return `Usage: gatehouse <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'gatehouse <command> --help' for a command's options.\n`;
}
