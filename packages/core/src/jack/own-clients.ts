/**
 * The JACK clients of this process (each running profile's ffmpeg): a `connect` pattern such as
 * `"*"` never takes one profile's stream client as another's source.
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
