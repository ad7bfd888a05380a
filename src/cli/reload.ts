// `typeswan reload [--control PATH]`: a running gateway re-reads its configuration file, as
// SIGHUP does. A configuration with an error keeps the running one: its file:line is printed
// and the exit code is 2.

import type { Command } from 'commander';
import { addControlOption, connectControl } from './controlCommand.js';
import { RuntimeFailure, UsageError } from './errors.js';
import type { CliIo } from './io.js';

export function registerReload(program: Command, io: CliIo): void {
  const command = program
    .command('reload')
    .description('re-read the configuration file of a running gateway (as SIGHUP does)');
  addControlOption(command).action(async (options: { control?: string }) => {
    const client = await connectControl(options.control);
    try {
      const response = await client.request({ op: 'reload' });
      if ('line' in response) return;
      if (!response.ok) {
        if (response.configError === true)
          throw new UsageError(`${response.error}\nthe running configuration is kept`);
        throw new RuntimeFailure(`gateway: ${response.error}`);
      }
      io.stdout(`${response.text}\n`);
    } finally {
      client.close();
    }
  });
}
