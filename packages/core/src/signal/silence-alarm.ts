import { execa } from 'execa';
import pRetry from 'p-retry';
import type { SilenceConfig } from '../profile/types.js';
import type { SilenceEvent } from '../status/types.js';
import { childEnvironment } from '../util/child-env.js';


const RUN_TIMEOUT_MS = 60_000;
const WEBHOOK_TIMEOUT_MS = 5000;
const WEBHOOK_RETRIES = 3;

/**
 * Tells someone about dead air: `silence.run` (argv, no shell; gets only the basic environment
 * plus JDCAST_PROFILE, JDCAST_EVENT, JDCAST_SECONDS and JDCAST_SINCE — jdcast's own variables,
 * passwords among them, stay in jdcast) and `silence.webhook` (the event POSTed as JSON, retried).
 * Neither ever waits on the audio path; failures come back as log lines.
 */
export function raiseSilenceAlarm(config: SilenceConfig, event: SilenceEvent, log: (level: 'info' | 'warning', message: string) => void, signal: AbortSignal): void {
	if (config.run) void runCommand(config.run, event, log, signal);
	if (config.webhook) void postWebhook(config.webhook, event, log, signal);
}

async function runCommand(argv: string[], event: SilenceEvent, log: (level: 'info' | 'warning', message: string) => void, signal: AbortSignal): Promise<void> {
	const result = await execa(argv[0]!, argv.slice(1), {
		env: childEnvironment({ JDCAST_PROFILE: event.profile, JDCAST_EVENT: `silence-${event.state}`, JDCAST_SECONDS: String(event.seconds), JDCAST_SINCE: event.since }),
		extendEnv: false,
		stdio: 'ignore',
		reject: false,
		timeout: RUN_TIMEOUT_MS,
		cancelSignal: signal,
	});
	if (signal.aborted) return;
	if (result.failed) log('warning', `silence.run ${argv[0]} failed: ${result.code === 'ENOENT' ? 'command not found' : result.timedOut ? `still running after ${RUN_TIMEOUT_MS / 1000} s, stopped` : `exit ${result.exitCode ?? result.signal}`}`);
}

async function postWebhook(url: string, event: SilenceEvent, log: (level: 'info' | 'warning', message: string) => void, signal: AbortSignal): Promise<void> {
	// The URL may hold a token (many chat webhooks do): messages name its host only.
	const host = new URL(url).host;
	const { got } = await import('got');
	try {
		await pRetry(
			() => got.post(url, { json: { event: 'silence', ...event }, timeout: { request: WEBHOOK_TIMEOUT_MS }, retry: { limit: 0 }, signal }),
			{ retries: WEBHOOK_RETRIES, minTimeout: 1000, factor: 2, signal },
		);
	} catch (error) {
		if (signal.aborted) return;
		const code = (error as { response?: { statusCode?: number }; code?: string }).response?.statusCode ?? (error as { code?: string }).code ?? 'error';
		log('warning', `silence.webhook to ${host} failed after ${WEBHOOK_RETRIES + 1} tries: ${String(code)}`);
	}
}
