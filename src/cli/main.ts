#!/usr/bin/env node
// The `typeswan` command.

import { runCli } from './program.js';

// `typeswan decode x.pcap | head` must end quietly when the reader goes away.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2));
