import { Transform, type TransformCallback } from 'node:stream';

/** A chunk-size line longer than this is not one. */
const MAX_SIZE_LINE = 64;

/**
 * A chunked request body (`Transfer-Encoding: chunked`, as Icecast 2.4's own clients may send) as the
 * bytes it carries. Chunk extensions and trailers are skipped; a malformed size ends it with an error.
 */
export class Dechunker extends Transform {
	/** Bytes left in the chunk being read; -1 while a size line is read; -2 after the last chunk. */
	#left = -1;
	#line = '';
	/** After a chunk's data: its CRLF to skip. */
	#skipCrlf = 0;

	override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
		let at = 0;
		while (at < chunk.length) {
			if (this.#left === -2) return done();
			if (this.#skipCrlf > 0) {
				const c = chunk[at]!;
				if (c === 0x0a) this.#skipCrlf = 0;
				at++;
				continue;
			}
			if (this.#left === -1) {
				const end = chunk.indexOf(0x0a, at);
				this.#line += chunk.subarray(at, end < 0 ? chunk.length : end).toString('latin1');
				if (this.#line.length > MAX_SIZE_LINE) return done(new Error('a chunk size line too long'));
				if (end < 0) return done();
				at = end + 1;
				const size = Number.parseInt(this.#line.trim().split(';')[0] ?? '', 16);
				this.#line = '';
				if (!Number.isFinite(size) || size < 0) return done(new Error('a chunk size that is not a number'));
				this.#left = size === 0 ? -2 : size;
				continue;
			}
			const take = Math.min(this.#left, chunk.length - at);
			this.push(chunk.subarray(at, at + take));
			at += take;
			this.#left -= take;
			if (this.#left === 0) {
				this.#left = -1;
				this.#skipCrlf = 1;
			}
		}
		done();
	}
}
