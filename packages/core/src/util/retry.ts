import pRetry from 'p-retry';

/**
 * Runs `attempt` until it resolves (or `onFailedAttempt` throws p-retry's AbortError, or `signal`
 * ends it). p-retry's own wait is off: `onFailedAttempt` waits, because the wait's length is an
 * event of its own (a `retry` event says it before it begins) and resets on a run that held.
 */
export function retryForever<T>(
	attempt: () => Promise<T>,
	o: { signal: AbortSignal; onFailedAttempt: (error: Error, attemptNumber: number) => Promise<void> },
): Promise<T> {
	return pRetry(attempt, {
		retries: Number.POSITIVE_INFINITY,
		minTimeout: 0,
		factor: 1,
		signal: o.signal,
		// Every failure is retried, a TypeError too (p-retry gives up on one that counts).
		shouldConsumeRetry: () => false,
		onFailedAttempt: ({ error, attemptNumber }) => o.onFailedAttempt(error, attemptNumber),
	});
}
