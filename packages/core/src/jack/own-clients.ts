/**
 * The JACK clients of this process (each running profile's ffmpeg), which a `connect` pattern such
 * as `"*"` never takes as a source. Today's stream clients have only inputs, so a pattern could not
 * take them anyway; a client of jdcast's with outputs (a harbor's, a monitor's) would otherwise
 * become every `"*"` profile's source, itself included: it is claimed here.
 */
const claimed = new Map<string, number>();

/** Notes a client as ours until the returned function is called. */
export function claimClient(name: string): () => void {
	claimed.set(name, (claimed.get(name) ?? 0) + 1);
	let released = false;
	return () => {
		if (released) return;
		released = true;
		const count = (claimed.get(name) ?? 1) - 1;
		if (count > 0) claimed.set(name, count);
		else claimed.delete(name);
	};
}

export function isOwnClient(name: string): boolean {
	return claimed.has(name);
}
