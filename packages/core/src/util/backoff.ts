/**
 * The wait before retry number `attempt` (1 = the first retry): at once, then doubling from
 * `firstMs` up to `capMs`, each with jitter (between half and all of it) so that many targets
 * of one server do not all knock at the same moment.
 */
export function backoffDelay(
	attempt: number,
	o: { firstMs: number; capMs: number },
	random: () => number = Math.random,
): number {
	if (attempt <= 1) return 0;
	const base = Math.min(o.capMs, o.firstMs * 2 ** (attempt - 2));
	return Math.round(base * (0.5 + random() / 2));
}
