// The test TACACS+ server as a process of its own, for a network namespace of the interop
// tests: `node tacacsServerMain.js '{"host":"10.1.0.10","port":49,"key":"K","users":{"u":"p"}}'`.
// Prints `listening on HOST:PORT` once it accepts connections, then one line per finished
// session (`session PASS|FAIL|ERROR`); stops on SIGTERM.

import { startTacacsServer, type TacacsServerOptions } from './tacacsServer.js';

const options = JSON.parse(process.argv[2] ?? '{}') as TacacsServerOptions;
const server = await startTacacsServer(options);
process.stdout.write(`listening on ${options.host ?? '127.0.0.1'}:${server.port}\n`);
let reported = 0;
const timer = setInterval(() => {
  for (; reported < server.outcomes.length; reported++)
    process.stdout.write(`session ${server.outcomes[reported] ?? ''}\n`);
}, 50);
process.once('SIGTERM', () => {
  clearInterval(timer);
  void server.close().then(() => process.exit(0));
});
