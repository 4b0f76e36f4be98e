import { CAPTURE, readPage, type OggPage } from './page.js';

/**
 * Cuts a byte stream into whole, CRC-checked Ogg pages. Bytes that are not a page (never
 * expected from ffmpeg) are skipped up to the next capture pattern and counted.
 */
export class OggPageReader {
	skippedBytes = 0;
	private pending: Buffer = Buffer.alloc(0);

	push(chunk: Buffer): OggPage[] {
		const buffer = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
		const pages: OggPage[] = [];
		let offset = 0;
		while (offset < buffer.length) {
			const page = readPage(buffer, offset);
			if (page === 'short') break;
			if (page === 'bad') {
				const next = buffer.indexOf(CAPTURE, offset + 1);
				const to = next < 0 ? Math.max(offset + 1, buffer.length - 3) : next;
				this.skippedBytes += to - offset;
				offset = to;
				continue;
			}
			pages.push(page);
			offset += page.bytes.length;
		}
		// Copy the rest: pages handed out keep pointing into `buffer`, which must not be reused.
		this.pending = offset >= buffer.length ? Buffer.alloc(0) : Buffer.from(buffer.subarray(offset));
		return pages;
	}
}
