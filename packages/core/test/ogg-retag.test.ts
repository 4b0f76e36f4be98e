import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { execa } from 'execa';
import { formatSpec } from '../src/formats/index.js';
import { makePage } from '../src/ogg/build.js';
import { OggPageReader } from '../src/ogg/page-reader.js';
import { FLAG_BOS, FLAG_CONTINUED, FLAG_EOS, type OggPage, ownPage, packetsEnding } from '../src/ogg/page.js';
import { OggRetagger } from '../src/ogg/retag.js';

/** 3 s of a 440 Hz tone, encoded with the output options jdcast plans for Vorbis (100 ms pages). */
async function vorbisPages(): Promise<OggPage[]> {
	const args = formatSpec('vorbis').ffmpegArgs({ format: 'vorbis', bitrate: 128, channels: 2, samplerate: null }, 100);
	const { stdout } = await execa(
		'ffmpeg',
		['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=3', '-ac', '2', ...args, '-'],
		{ encoding: 'buffer' },
	);
	return new OggPageReader().push(Buffer.from(stdout as Uint8Array));
}

/** The pages of each link of the chain sent, in order. */
function links(pages: OggPage[]): OggPage[][] {
	const out: OggPage[][] = [];
	for (const page of pages) {
		if (page.flags & FLAG_BOS) out.push([]);
		out.at(-1)!.push(page);
	}
	return out;
}

describe('OggRetagger: how a link of the chain ends', () => {
	// Icecast 2.4 re-pages a Vorbis-only stream packet by packet and keeps an EOS only when a
	// packet carries it: after an empty EOS page its listeners got no EOS, lost the packets it
	// held (~0.3 s) and VLC failed on the new serial number (issue #27).
	it('vorbis: each earlier link ends with EOS on its last audio page, never an empty page', async () => {
		const input = await vorbisPages();
		const retagger = new OggRetagger();
		const sent: OggPage[] = [];
		const changes = [Math.floor(input.length / 3), Math.floor((2 * input.length) / 3)];
		for (const [i, page] of input.entries()) {
			if (changes.includes(i)) retagger.setTags({ title: `change ${i}` });
			sent.push(...retagger.process(page).map((p) => ownPage(Buffer.from(p.bytes))));
		}
		const chain = links(sent);
		assert.equal(chain.length, 3, 'ffmpeg link and two of ours');
		for (const [n, link] of chain.slice(0, -1).entries()) {
			const last = link.at(-1)!;
			assert.ok(last.flags & FLAG_EOS, `link ${n}: its last page has EOS`);
			assert.ok(packetsEnding(last) > 0, `link ${n}: the EOS page carries a packet (so Icecast keeps the EOS)`);
			assert.equal(link.filter((p) => p.flags & FLAG_EOS).length, 1, `link ${n}: one EOS page`);
			const audio = link.filter((p) => p.granule > 0n);
			assert.equal(last.granule, audio.at(-1)!.granule, `link ${n}: EOS at the link's last position`);
			assert.ok(
				audio.every((p, i) => i === 0 || p.granule > audio[i - 1]!.granule),
				`link ${n}: positions rise`,
			);
		}
		// Every audio page of ffmpeg's is sent once: none held back, none dropped.
		const audioIn = input.filter((p) => p.granule > 0n).length;
		assert.equal(sent.filter((p) => p.granule > 0n).length, audioIn);
		const next = chain[1]!.find((p) => p.granule > 0n)!;
		assert.ok(next.granule < 48_000n / 5n, `the next link counts from its own start (${next.granule})`);
	});

	it('a change waits for a page on which a packet ends: a link never ends mid-packet', async () => {
		const input = await vorbisPages();
		const headers = input.filter((p) => p.granule === 0n);
		const serial = input[0]!.serial;
		const page = (o: { sequence: number; flags: number; granule: bigint; segments: number[] }) =>
			ownPage(
				makePage({
					...o,
					serial,
					body: Buffer.alloc(
						o.segments.reduce((a, b) => a + b, 0),
						1,
					),
				}),
			);
		// A packet of 300 bytes spread over two pages: the first page ends no packet.
		const open = page({ sequence: headers.length, flags: 0, granule: -1n, segments: [255] });
		const closing = page({ sequence: headers.length + 1, flags: FLAG_CONTINUED, granule: 2048n, segments: [45, 20] });
		const after = page({ sequence: headers.length + 2, flags: 0, granule: 4096n, segments: [30] });
		const retagger = new OggRetagger();
		for (const p of headers) retagger.process(p);
		retagger.setTags({ title: 'X' });
		assert.deepEqual(
			retagger.process(open).map((p) => p.flags),
			[0],
			'no EOS on a page whose last packet goes on',
		);
		const out = retagger.process(closing);
		assert.equal(out[0]!.flags, FLAG_CONTINUED | FLAG_EOS, 'EOS on the page that ends that packet');
		assert.equal(out[0]!.granule, 2048n);
		assert.ok(out[1]!.flags & FLAG_BOS, 'then the new link');
		assert.notEqual(out[1]!.serial, serial);
		const [moved] = retagger.process(after);
		assert.equal(moved!.serial, out[1]!.serial, 'the following audio is in the new link');
		assert.equal(moved!.granule, 2048n, 'counted from the new link’s start');
	});
});
