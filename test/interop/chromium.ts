// Headless Chromium driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`:
// commands on fd 3, replies and events on fd 4, each a JSON text ended by NUL), so a test can
// load a page, read the rendered DOM as it changes and take a screenshot, without an npm
// dependency. Runs inside a namespace of the interop lab; stopped by PID like its daemons.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { Daemon, until, type Lab, type Role } from './harness.js';

export const CHROMIUM = '/usr/bin/chromium';

export function chromiumSkipReason(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `chromium is not installed (${CHROMIUM}; .ci/run installs it)`;
}

interface Reply {
  readonly id?: number;
  readonly result?: Record<string, unknown>;
  readonly error?: { readonly message: string };
}

export class Chromium {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: Reply) => void>();
  private session = '';

  private constructor(
    readonly daemon: Daemon,
    private readonly input: Writable,
  ) {}

  static async start(lab: Lab, role: Role, width = 1280, height = 860): Promise<Chromium> {
    const profile = mkdtempSync(join(lab.dir, 'chromium-'));
    const child: ChildProcess = spawn(
      'ip',
      [
        'netns',
        'exec',
        lab.ns(role),
        CHROMIUM,
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--remote-debugging-pipe',
        `--user-data-dir=${profile}`,
        `--window-size=${width},${height}`,
        'about:blank',
      ],
      { stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'], env: { ...process.env, HOME: profile } },
    );
    const daemon = new Daemon(`chromium-${role}`, child);
    lab.daemons.push(daemon);
    const browser = new Chromium(daemon, child.stdio[3] as Writable);
    browser.listen(child.stdio[4] as Readable);
    const target = await browser.send('Target.createTarget', { url: 'about:blank' });
    const attached = await browser.send('Target.attachToTarget', {
      targetId: target['targetId'],
      flatten: true,
    });
    browser.session = String(attached['sessionId']);
    await browser.send('Page.enable', {}, true);
    await browser.send('Runtime.enable', {}, true);
    return browser;
  }

  private listen(output: Readable): void {
    let buffered = '';
    output.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      for (let end = buffered.indexOf('\0'); end >= 0; end = buffered.indexOf('\0')) {
        const text = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        const reply = JSON.parse(text) as Reply;
        if (reply.id === undefined) continue;
        this.pending.get(reply.id)?.(reply);
        this.pending.delete(reply.id);
      }
    });
  }

  /** One DevTools command (to the page's session when `page`); rejects on a protocol error. */
  send(method: string, params: Record<string, unknown> = {}, page = false): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const message = { id, method, params, ...(page ? { sessionId: this.session } : {}) };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer from chromium\n${this.daemon.text().slice(-2000)}`));
      }, 30_000);
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        if (reply.error) reject(new Error(`${method}: ${reply.error.message}`));
        else resolve(reply.result ?? {});
      });
      this.input.write(`${JSON.stringify(message)}\0`);
    });
  }

  async navigate(url: string): Promise<void> {
    await this.send('Page.navigate', { url }, true);
  }

  /** The value of a page expression (JSON-serializable). */
  async evaluate(expression: string): Promise<unknown> {
    const result = await this.send('Runtime.evaluate', { expression, returnByValue: true }, true);
    const value = result['result'] as { value?: unknown } | undefined;
    return value?.value;
  }

  /** Waits until the expression's value satisfies `check`; returns the last value. */
  async waitFor(
    expression: string,
    check: (value: unknown) => boolean,
    timeoutMs = 15_000,
  ): Promise<unknown> {
    let last: unknown;
    await until(async () => check((last = await this.evaluate(expression))), timeoutMs);
    return last;
  }

  async screenshot(): Promise<Buffer> {
    const shot = await this.send(
      'Page.captureScreenshot',
      { format: 'png', captureBeyondViewport: true },
      true,
    );
    return Buffer.from(String(shot['data']), 'base64');
  }

  stop(): Promise<number> {
    return this.daemon.stop('SIGTERM', 3000);
  }
}
