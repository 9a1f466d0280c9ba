// Two portal processes (server/index.ts) on fixed ports behind one proxy, for the test of several
// instances: started together or one at a time, stopped with SIGTERM as an orchestrator stops
// them, and each answer traced to the instance that gave it by its X-Request-Id, which every
// instance writes into its request log (LOG_LEVEL=info).
import { expect } from 'chai';
import type { HttpsClient, Reply } from './https-client.js';
import {
  RUNNING,
  startServer,
  STOP_TIMEOUT_MS,
  waitForExit,
  waitForOutput,
  type CookieJar,
  type ServerProcess,
} from './server-process.js';

export type Name = 'A' | 'B';

export interface Instance {
  name: Name;
  port: number;
  dataDir: string;
  /** Every process this instance has been, the running one last. */
  processes: ServerProcess[];
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Gave up after ${timeoutMs} ms waiting until ${what}`);
    await sleep(100);
  }
}

export type BackgroundJob = 'review-reminders' | 'draft-reminders';

export class Cluster {
  readonly instances: Instance[];

  /** `environment` is what each instance's processes are started with; METRICS_TOKEN among it. */
  constructor(
    ports: [number, number],
    dataDir: (name: Name) => string,
    private readonly environment: (name: Name) => Record<string, string>,
  ) {
    this.instances = (['A', 'B'] as const).map((name, index) => ({
      name,
      port: ports[index]!,
      dataDir: dataDir(name),
      processes: [],
    }));
  }

  start(instance: Instance): ServerProcess {
    const server = startServer(instance.dataDir, instance.port, this.environment(instance.name));
    instance.processes.push(server);
    return server;
  }

  /** Starts both in the same tick, as two hosts booted together, and waits until both listen. */
  async startTogether(): Promise<void> {
    const started = this.instances.map((instance) => this.start(instance));
    await Promise.all(started.map((server) => waitForOutput(server, RUNNING)));
  }

  /** SIGTERM, then a clean exit: every request it had was answered, none cut by the grace period. */
  async stop(instance: Instance): Promise<void> {
    const server = instance.processes.at(-1)!;
    server.child.kill('SIGTERM');
    expect(await waitForExit(server, STOP_TIMEOUT_MS), `instance ${instance.name}`).to.deep.equal({
      code: 0,
      signal: null,
    });
    expect(server.stdout).not.to.contain('requests still open after the grace period');
    expect(server.stdout).to.contain('"msg":"stopped cleanly"');
  }

  /** The instance whose request log holds the reply's request id (nginx's $request_id). */
  async servedBy(reply: Reply): Promise<Name> {
    expect(reply.requestId, 'X-Request-Id').to.match(/^[0-9a-f]{32}$/);
    const marker = `"id":"${reply.requestId}"`;
    let found: Name | undefined;
    await until(`an instance logs request ${reply.requestId}`, () => {
      found = this.instances.find((instance) => instance.processes.some((p) => p.stdout.includes(marker)))?.name;
      return found !== undefined;
    });
    return found!;
  }

  /** Repeats a request through the proxy until each instance has answered it; checks every answer. */
  async onBothInstances(send: () => Promise<Reply>, check: (reply: Reply) => void): Promise<Record<Name, Reply>> {
    const served: Partial<Record<Name, Reply>> = {};
    for (let attempt = 0; attempt < 8 && !(served.A && served.B); attempt += 1) {
      const reply = await send();
      check(reply);
      served[await this.servedBy(reply)] ??= reply;
    }
    expect(Object.keys(served).sort(), 'the instances that answered').to.deep.equal(['A', 'B']);
    return served as Record<Name, Reply>;
  }

  /** How often the instance's running process has run a background job (its /metrics); none may have failed. */
  async jobRuns(instance: Instance, job: BackgroundJob): Promise<number> {
    const reply = await fetch(`http://127.0.0.1:${instance.port}/metrics`, {
      headers: { authorization: `Bearer ${this.environment(instance.name).METRICS_TOKEN}` },
      signal: AbortSignal.timeout(10_000),
    });
    const lines = (await reply.text()).split('\n').filter((line) => line.includes(`job="${job}"`));
    expect(lines.filter((line) => line.includes('outcome="failed"'))).to.deep.equal([]);
    const ok = lines.find((line) => line.includes('outcome="ok"'));
    return ok ? Number(ok.split(' ').at(-1)) : 0;
  }

  /** Waits until each running process has run its review and draft reminders at least once. */
  async remindersRan(): Promise<void> {
    for (const instance of this.instances) {
      await until(
        `instance ${instance.name} has run its reminders`,
        async () =>
          (await this.jobRuns(instance, 'review-reminders')) >= 1 &&
          (await this.jobRuns(instance, 'draft-reminders')) >= 1,
      );
    }
  }
}

export interface LoadTarget {
  path: string;
  jar?: CookieJar;
  /** What is wrong with a 200 answer, if anything. */
  problem: (reply: Reply) => string | undefined;
}

/**
 * GET loops through the proxy, each request after the last one's answer and a short pause, until
 * stopped, or for at most maxMs and maxRequests. A failure is anything but a 200 with the right body.
 */
export function startLoad(
  client: HttpsClient,
  targets: LoadTarget[],
  { loops, pauseMs, maxMs, maxRequests }: { loops: number; pauseMs: number; maxMs: number; maxRequests: number },
) {
  let stopped = false;
  let sent = 0;
  const failures: string[] = [];
  const deadline = Date.now() + maxMs;
  const loop = async (first: number) => {
    for (let n = first; !stopped && Date.now() < deadline && sent < maxRequests; n += 1) {
      const target = targets[n % targets.length]!;
      sent += 1;
      try {
        const reply = await client.request(target.path, { jar: target.jar, timeoutMs: 15_000 });
        const problem = reply.status === 200 ? target.problem(reply) : `status ${reply.status}`;
        if (problem) failures.push(`GET ${target.path}: ${problem} (${reply.requestId})`);
      } catch (error) {
        failures.push(`GET ${target.path}: ${(error as Error).message}`);
      }
      await sleep(pauseMs);
    }
  };
  const running = Promise.all(Array.from({ length: loops }, (_, n) => loop(n)));
  return {
    async stop() {
      stopped = true;
      await running;
      return { sent, failures };
    },
  };
}
