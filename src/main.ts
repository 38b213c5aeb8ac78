#!/usr/bin/env node
/** The `gatehouse` command: parse argv, dispatch to src/cli. */
import { dispatch } from './cli/dispatch.js';
import { commands } from './cli/commands.js';

const io = {
  out: (text: string) => void process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
  err: (text: string) => void process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
  env: process.env,
  cwd: process.cwd(),
};

dispatch(commands, process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`gatehouse: ${(err as Error)?.message ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
