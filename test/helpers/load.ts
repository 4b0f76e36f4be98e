import http from 'node:http';

/** What one listener of a load got: bytes, Ogg pages, and pages missing from the middle of its stream. */
export interface LoadListener {
	bytes: number;
	pages: number;
	/** Page sequence numbers skipped after its stream began (after the header and burst). */
	missing: number;
	/** The connection ended or failed (the server went away). */
	ended: boolean;
	close(): void;
}

/**
 * A listener that counts what it gets and checks the Ogg pages' sequence numbers, without
 * decoding: hundreds of them fit on one machine. Icecast sends the header pages, then its burst,
 * then every page; from the second page after the headers on, each page of a logical stream must
 * follow the one before.
 */
export function oggListener(url: string): LoadListener {
	const state: LoadListener = { bytes: 0, pages: 0, missing: 0, ended: false, close: () => request.destroy() };
	let buffer: Buffer = Buffer.alloc(0);
	const last = new Map<number, number>();
	const request = http.get(url, { agent: false }, (response) => {
		if (response.statusCode !== 200) {
			state.ended = true;
			response.resume();
			return;
		}
		response.on('data', (chunk: Buffer) => {
			state.bytes += chunk.length;
			buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
			let at = 0;
			while (buffer.length - at >= 27) {
				if (buffer.toString('latin1', at, at + 4) !== 'OggS') {
					at++;
					continue;
				}
				const count = buffer[at + 26]!;
				if (buffer.length - at < 27 + count) break;
				let size = 27 + count;
				for (let i = 0; i < count; i++) size += buffer[at + 27 + i]!;
				if (buffer.length - at < size) break;
				const serial = buffer.readUInt32LE(at + 14);
				const sequence = buffer.readUInt32LE(at + 18);
				const previous = last.get(serial);
				// Header pages (0, 1) then the burst: the first jump is the join, not a loss.
				if (previous !== undefined && previous >= 2 && sequence !== previous + 1)
					state.missing += Math.max(1, sequence - previous - 1);
				last.set(serial, sequence);
				state.pages++;
				at += size;
			}
			buffer = Buffer.from(buffer.subarray(at));
		});
		response.on('end', () => (state.ended = true));
		response.on('error', () => (state.ended = true));
	});
	request.on('error', () => (state.ended = true));
	return state;
}
