// Shared by `show`, `debug` and `clear`: the --control option and a connection that turns
// connection problems into the CLI's runtime failure (exit 1).

import type { Command } from 'commander';
import { defaultControlPath, type ControlRequestBody } from '../gateway/controlProtocol.js';
import { matchKeyword } from '../config/cursor.js';
import { ControlClient, ControlConnectionError } from './controlClient.js';
import { RuntimeFailure } from './errors.js';

export function addControlOption(command: Command): Command {
  return command.option(
    '--control <path>',
    `control socket of a running gateway (default ${defaultControlPath()}, or $TYPESWAN_CONTROL)`,
  );
}

export async function connectControl(path: string | undefined): Promise<ControlClient> {
  try {
    return await ControlClient.connect(path ?? defaultControlPath());
  } catch (error) {
    if (error instanceof ControlConnectionError) throw new RuntimeFailure(error.message);
    throw error;
  }
}

/** IOS accepts unique prefixes (`show cry isa sa`): the config reader's keyword matcher. */
export function expandKeyword<K extends string>(
  word: string | undefined,
  options: readonly K[],
): K | undefined {
  return word === undefined ? undefined : matchKeyword(word, options);
}

/** One request to the gateway at `control`; its reply's text and data, or the CLI's runtime failure. */
export async function askGateway(
  control: string | undefined,
  request: ControlRequestBody,
): Promise<{ readonly text: string; readonly data: unknown }> {
  const client = await connectControl(control);
  try {
    const reply = await client.request(request);
    if (!reply.ok) throw new RuntimeFailure(`gateway: ${reply.error}`);
    return { text: reply.text, data: reply.data };
  } finally {
    client.close();
  }
}

/**
 * A streaming request (`debug`, `events`): its messages go to `onLine` until Ctrl-C, the
 * gateway closing the connection (or `undebug all`), or an error reply.
 */
export async function streamFromGateway(
  control: string | undefined,
  request: ControlRequestBody,
  onLine: (line: string) => void,
  onReply: (text: string) => void = () => undefined,
): Promise<void> {
  const client = await connectControl(control);
  await new Promise<void>((resolve, reject) => {
    const stop = (): void => {
      client.close();
      resolve();
    };
    process.once('SIGINT', stop);
    client.onClose(() => {
      process.off('SIGINT', stop);
      resolve();
    });
    client
      .request(request, onLine)
      .then((reply) => {
        if (reply.ok) return onReply(reply.text);
        client.close();
        reject(new RuntimeFailure(`gateway: ${reply.error}`));
      })
      .catch(reject);
  });
}
