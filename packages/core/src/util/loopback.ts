/**
 * Whether a host name or address always means this machine: `localhost`, `::1` (bracketed or
 * not) or any 127.x.y.z. Used by the HTTP side's token rule, the dashboard's listen links and the
 * Jackdaw plugin's spoken answers.
 */
export function isLoopbackHost(host: string): boolean {
	const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
	return bare === 'localhost' || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare);
}
