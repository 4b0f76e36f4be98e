import pRetry from 'p-retry';
import { type Clock, realClock } from '../util/clock.js';
import type { SilenceConfig } from '../profile/types.js';
import type { SilenceEvent } from '../status/types.js';
import { childEnvironment } from '../util/child-env.js';
import { dieWithParent } from '../util/process.js';
import { isInstalled } from '../util/which.js';
import { runInGroup } from './hook-group.js';

/** `silence.run_timeout`'s default, in seconds. */
export const DEFAULT_RUN_TIMEOUT = 60;
/**
 * Runs of one profile's `silence.run` at once: an input that flaps must not pile up commands
 * that hang (a webhook script waiting on a dead server), each with its own processes.
 */
export const MAX_RUNS = 2;
const WEBHOOK_TIMEOUT_MS = 5000;
const WEBHOOK_RETRIES = 3;

type Log = (level: 'info' | 'warning', message: string) => void;

/**
 * Tells someone about dead air: `silence.run` (argv, no shell; in a process group of its own,
 * ended whole — what it left running after it exited too — after `silence.run_timeout` seconds
 * or when jdcast stops; at most MAX_RUNS at once, a later event waiting for its turn and the
 * newest waiting one only; gets only the basic environment plus JDCAST_PROFILE, JDCAST_EVENT,
 * JDCAST_SECONDS and JDCAST_SINCE — jdcast's own variables, passwords among them, stay in
 * jdcast) and `silence.webhook` (the event POSTed as JSON, retried). Webhook deliveries go one
 * after the other, and a newer event ends the retries of an older one: the receiver never gets a
 * stale "started" after its "ended". Neither ever waits on the audio path; failures come back as
 * log lines.
 */
export class SilenceAlarm {
	private delivery: Promise<void> = Promise.resolve();
	private current: AbortController | undefined;
	private running = 0;
	/** The newest event that came while MAX_RUNS runs were going: it runs when one of them ends. */
	private waiting: SilenceEvent | undefined;
	/** Whether events have been held back since the runs last fell below the limit (said once for all of them). */
	private holding = false;

	constructor(
		private readonly config: SilenceConfig,
		private readonly log: Log,
		private readonly signal: AbortSignal,
		private readonly clock: Clock = realClock,
	) {}

	/** Runs of `silence.run` going now (their leader, or what it left in its group). */
	get runs(): number {
		return this.running;
	}

	raise(event: SilenceEvent): void {
		if (this.config.run) this.offerRun(this.config.run, event);
		if (this.config.webhook) {
			this.current?.abort();
			const mine = new AbortController();
			this.current = mine;
			const url = this.config.webhook;
			this.delivery = this.delivery.then(() =>
				this.postWebhook(url, event, AbortSignal.any([this.signal, mine.signal])),
			);
		}
	}

	private offerRun(argv: string[], event: SilenceEvent): void {
		if (this.signal.aborted) return;
		if (this.running < MAX_RUNS) {
			this.running++;
			void this.runCommand(argv, event).finally(() => {
				this.running--;
				const next = this.waiting;
				this.waiting = undefined;
				if (next) this.offerRun(argv, next);
				else this.holding = false;
			});
			return;
		}
		if (!this.holding)
			this.log(
				'warning',
				`silence.run ${argv[0]}: ${MAX_RUNS} runs still going; later silence events wait for one to end, and only the newest of them runs`,
			);
		this.holding = true;
		this.waiting = event;
	}

	private async runCommand(argv: string[], event: SilenceEvent): Promise<void> {
		if (!isInstalled(argv[0]!)) {
			this.log('warning', `silence.run ${argv[0]} failed: command not found`);
			return;
		}
		const seconds = this.config.runTimeout ?? DEFAULT_RUN_TIMEOUT;
		// It ends with jdcast, even a jdcast killed with SIGKILL (what it started itself is ended at a stop, not then).
		const [file, args] = dieWithParent(argv[0]!, argv.slice(1), { signal: 'KILL' });
		const end = await runInGroup({
			argv: [file, ...args],
			env: childEnvironment({
				JDCAST_PROFILE: event.profile,
				JDCAST_EVENT: `silence-${event.state}`,
				JDCAST_SECONDS: String(event.seconds),
				JDCAST_SINCE: event.since,
			}),
			timeoutMs: seconds * 1000,
			clock: this.clock,
			signal: this.signal,
		});
		if (this.signal.aborted) return;
		if (end.ended === 'timeout')
			this.log(
				'warning',
				end.leftBehind
					? `silence.run ${argv[0]} exited, but what it started was still running after ${seconds} s: its process group was ended`
					: `silence.run ${argv[0]} failed: still running after ${seconds} s, its process group was ended`,
			);
		else if (end.failed) this.log('warning', `silence.run ${argv[0]} failed: exit ${end.exitCode ?? end.signal}`);
	}

	private async postWebhook(url: string, event: SilenceEvent, signal: AbortSignal): Promise<void> {
		// The URL may hold a token (many chat webhooks do): messages name its host only.
		const host = new URL(url).host;
		const { got } = await import('got');
		try {
			await pRetry(
				() =>
					got.post(url, {
						json: { event: 'silence', ...event },
						timeout: { request: WEBHOOK_TIMEOUT_MS },
						retry: { limit: 0 },
						signal,
					}),
				{
					retries: WEBHOOK_RETRIES,
					minTimeout: 1000,
					factor: 2,
					signal,
				},
			);
		} catch (error) {
			if (signal.aborted) return;
			const code =
				(error as { response?: { statusCode?: number } }).response?.statusCode ??
				(error as { code?: string }).code ??
				'error';
			this.log('warning', `silence.webhook to ${host} failed after ${WEBHOOK_RETRIES + 1} tries: ${String(code)}`);
		}
	}
}
