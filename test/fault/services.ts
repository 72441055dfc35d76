import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { CLI, cleanEnv, exitOf } from '../support/cli.js';
import { note, sleep } from './log.js';

/** What `earshot start` logs once it listens: `"url":"http://…"`. */
const LISTENING = /"url":"(http:\/\/[^"]+)"/;
/** Output kept in memory per process, for the listening line and for error messages; the whole of it goes to the log file. */
const TAIL_CHARS = 16_000;

/**
 * One Earshot service as a process of its own (`earshot start` with
 * EARSHOT_SERVICES=<name>), run like an orchestrator would: SIGKILLed on
 * demand and started again, and started again when it exits by itself
 * (counted, since a service should ride out its dependencies' outages).
 */
export class ServiceProcess {
  private child: ChildProcess | null = null;
  private tail = '';
  private readonly log: WriteStream;
  private stopping = false;
  /** Exits nobody asked for (the process crashed or gave up), each started again. */
  readonly unexpectedExits: string[] = [];
  url: string | null = null;

  constructor(
    readonly name: string,
    private readonly env: Record<string, string>,
    logDir: string,
  ) {
    this.log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process and waits until it listens (its services are started by then). */
  async start(timeoutMs = 120_000): Promise<void> {
    this.launch();
    const deadline = Date.now() + timeoutMs;
    // An incarnation that exits during startup is replaced by the exit handler; any of them listening will do.
    while (this.url === null) {
      if (Date.now() > deadline) throw new Error(`${this.name} did not listen within ${timeoutMs} ms; its output:\n${this.tail.slice(-3_000)}`);
      await sleep(100);
    }
  }

  private launch(): void {
    this.tail = '';
    this.url = null;
    const child = spawn(process.execPath, [CLI, 'start'], {
      env: cleanEnv({ LOG_LEVEL: 'info', ...this.env, EARSHOT_SERVICES: this.name, PORT: '0', HOST: '127.0.0.1' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const collect = (chunk: Buffer) => {
      this.log.write(chunk);
      this.tail = (this.tail + chunk.toString()).slice(-TAIL_CHARS);
      this.url ??= LISTENING.exec(this.tail)?.[1] ?? null;
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.once('exit', (code, signal) => {
      if (this.child !== child || this.stopping || signal === 'SIGKILL') return;
      const what = `${this.name} exited by itself (code ${code}, signal ${signal})`;
      this.unexpectedExits.push(what);
      note(`${what}; starting it again in a second. Its last output:\n${this.tail.slice(-2_000)}`);
      setTimeout(() => {
        if (!this.stopping) this.launch();
      }, 1_000);
    });
  }

  /** SIGKILL: no drain, no goodbye; whatever it had in hand is for the next process to redo. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) throw new Error(`${this.name} is not running`);
    child.kill('SIGKILL');
    await exitOf(child);
  }

  /** At the end: SIGTERM (drain), SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exitOf(child);
      clearTimeout(timer);
    }
    await new Promise<void>((resolve) => this.log.end(resolve));
  }

  /** Last resort on an interrupted run: nothing is awaited. */
  killNow(): void {
    this.stopping = true;
    this.child?.kill('SIGKILL');
  }
}
