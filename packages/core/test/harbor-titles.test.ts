import assert from 'node:assert/strict';
import { it } from 'node:test';
import { OggTitles } from '../src/harbor/ogg-titles.js';
import type { Metadata } from '../src/metadata/types.js';
import { packetPages } from '../src/ogg/build.js';

/** An Opus comment header: vendor, then the comments, each with its length. */
function opusTags(comments: string[]): Buffer {
	const field = (text: string) => {
		const bytes = Buffer.from(text, 'utf8');
		const length = Buffer.alloc(4);
		length.writeUInt32LE(bytes.length);
		return [length, bytes];
	};
	const count = Buffer.alloc(4);
	count.writeUInt32LE(comments.length);
	return Buffer.concat([Buffer.from('OpusTags'), ...field('a DJ tool'), count, ...comments.flatMap(field)]);
}

/** One link of a DJ's Ogg Opus chain: its head and its comments, each on pages of its own. */
function link(serial: number, comments: string[]): Buffer {
	const head = Buffer.concat([Buffer.from('OpusHead'), Buffer.from([1, 2, 0x38, 1, 0x80, 0xbb, 0, 0, 0, 0, 0])]);
	return Buffer.concat([
		...packetPages(head, { serial, sequence: 0, bos: true }),
		...packetPages(opusTags(comments), { serial, sequence: 1, bos: false }),
	]);
}

it("a DJ's Ogg titles: each new link's TITLE and ARTIST, read across any cut of the bytes; a link without them, or a broken header, says nothing", () => {
	const found: Metadata[] = [];
	const titles = new OggTitles((tags) => found.push(tags));
	const bytes = Buffer.concat([
		link(1, ['ENCODER=x', 'title=First Light', 'ARTIST=Anna']),
		link(2, ['ENCODER=x']),
		link(3, ['TITLE=Second']),
	]);
	// Two bytes at a time: pages and packets come in pieces off a socket.
	for (let i = 0; i < bytes.length; i += 2) titles.push(bytes.subarray(i, i + 2));
	assert.deepEqual(found, [{ title: 'First Light', artist: 'Anna' }, { title: 'Second' }]);

	// A comment header cut short inside its vendor's length.
	const broken = Buffer.concat([Buffer.from('OpusTags'), Buffer.from([9, 0])]);
	const head = Buffer.concat([Buffer.from('OpusHead'), Buffer.alloc(11)]);
	titles.push(
		Buffer.concat([
			...packetPages(head, { serial: 4, sequence: 0, bos: true }),
			...packetPages(broken, { serial: 4, sequence: 1, bos: false }),
		]),
	);
	assert.equal(found.length, 2, 'a header too short to read: nothing, no throw');
	// A red team's one page that once stopped the whole process: an Ogg FLAC head of six bytes.
	titles.push(Buffer.concat(packetPages(Buffer.from('\x7fFLAC\x01', 'latin1'), { serial: 5, sequence: 0, bos: true })));
	assert.equal(found.length, 2);
});
