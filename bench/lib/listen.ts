import http from 'node:http';

/** Resolves with the ms from `t0` until a listener gets its first audio byte from `url` (404s retried). */
export function timeToFirstByte(url: string, t0: number, timeoutMs = 20_000): Promise<number> {
	return new Promise((resolve, reject) => {
		const deadline = t0 + timeoutMs;
		const attempt = () => {
			if (performance.now() > deadline) return reject(new Error(`no audio from ${url} within ${timeoutMs / 1000} s`));
			const request = http.get(url, (response) => {
				if (response.statusCode !== 200) {
					response.resume();
					setTimeout(attempt, 10);
					return;
				}
				response.once('data', () => {
					resolve(performance.now() - t0);
					request.destroy();
				});
			});
			request.on('error', () => setTimeout(attempt, 10));
		};
		attempt();
	});
}

export function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
