import { execa } from 'execa';
import pRetry from 'p-retry';
import type { SilenceConfig } from '../profile/types.js';
import type { SilenceEvent } from '../status/types.js';
import { childEnvironment } from '../util/child-env.js';
import { dieWithParent } from '../util/process.js';
import { isInstalled } from '../util/which.js';

const RUN_TIMEOUT_MS = 60_000;
const WEBHOOK_TIMEOUT_MS = 5000;
const WEBHOOK_RETRIES = 3;

type Log = (level: 'info' | 'warning', message: string) => void;

/**
 * Tells someone about dead air: `silence.run` (argv, no shell; in a process group of its own,
 * ended whole after 60 s or when jdcast stops; gets only the basic environment plus
 * JDCAST_PROFILE, JDCAST_EVENT, JDCAST_SECONDS and JDCAST_SINCE — jdcast's own variables,
 * passwords among them, stay in jdcast) and `silence.webhook` (the event POSTed as JSON,
 * retried). Webhook deliveries go one after the other, and a newer event ends the retries of an
 * older one: the receiver never gets a stale "started" after its "ended". Neither ever waits on
 * the audio path; failures come back as log lines.
 */
export class SilenceAlarm {
	private delivery: Promise<void> = Promise.resolve();
	private current: AbortController | undefined;

	constructor(
		private readonly config: SilenceConfig,
		private readonly log: Log,
		private readonly signal: AbortSignal,
	) {}

	raise(event: SilenceEvent): void {
		if (this.config.run) void this.runCommand(this.config.run, event);
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

	private async runCommand(argv: string[], event: SilenceEvent): Promise<void> {
		if (!isInstalled(argv[0]!)) {
			this.log('warning', `silence.run ${argv[0]} failed: command not found`);
			return;
		}
		// It ends with jdcast, even a jdcast killed with SIGKILL (what it started itself may finish).
		const [file, args] = dieWithParent(argv[0]!, argv.slice(1), { signal: 'KILL' });
		const child = execa(file, args, {
			env: childEnvironment({
				JDCAST_PROFILE: event.profile,
				JDCAST_EVENT: `silence-${event.state}`,
				JDCAST_SECONDS: String(event.seconds),
				JDCAST_SINCE: event.since,
			}),
			extendEnv: false,
			stdio: 'ignore',
			reject: false,
			detached: true,
		});
		// The whole group: a script's own children (a `sleep`, a `curl`) end with it.
		const endGroup = () => {
			if (child.pid && child.exitCode === null) {
				try {
					process.kill(-child.pid, 'SIGKILL');
				} catch {
					// already gone
				}
			}
		};
		const timer = setTimeout(endGroup, RUN_TIMEOUT_MS);
		this.signal.addEventListener('abort', endGroup, { once: true });
		const result = await child;
		clearTimeout(timer);
		this.signal.removeEventListener('abort', endGroup);
		if (this.signal.aborted || !result.failed) return;
		const why =
			result.signal === 'SIGKILL'
				? `still running after ${RUN_TIMEOUT_MS / 1000} s, stopped`
				: `exit ${result.exitCode ?? result.signal}`;
		this.log('warning', `silence.run ${argv[0]} failed: ${why}`);
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
