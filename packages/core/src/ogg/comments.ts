import type { Metadata } from '../metadata/types.js';
import type { OggCodec } from './headers.js';

/** "Now playing" as Vorbis comments: `TITLE=…`, `ARTIST=…` (UTF-8). */
const TAG_KEYS: Record<keyof Metadata, string> = {
	title: 'TITLE',
	artist: 'ARTIST',
	album: 'ALBUM',
	comment: 'COMMENT',
};

interface CommentBlock {
	vendor: string;
	comments: string[];
}

/**
 * The comment header of a stream with new tags: the encoder's vendor string and its other
 * comments (encoder=…) stay, TITLE/ARTIST/ALBUM/COMMENT are replaced. Opus: `OpusTags` packet;
 * Vorbis: type-3 header with framing bit; FLAC: a VORBIS_COMMENT metadata block (its
 * last-block flag kept from the original).
 */
export function retagCommentPacket(codec: OggCodec, original: Buffer, tags: Metadata): Buffer {
	const layout = LAYOUT[codec];
	if (!layout) throw new Error(`cannot retag an Ogg ${codec} stream`);
	const block = parseBlock(original.subarray(layout.prefix(original).length));
	const replaced = new Set(Object.values(TAG_KEYS));
	const kept = block.comments.filter((c) => !replaced.has(c.slice(0, c.indexOf('=')).toUpperCase()));
	const added = (Object.keys(TAG_KEYS) as (keyof Metadata)[]).flatMap((k) =>
		tags[k] ? [`${TAG_KEYS[k]}=${tags[k]}`] : [],
	);
	const body = serializeBlock({ vendor: block.vendor, comments: [...added, ...kept] });
	return layout.wrap(original, body);
}

/**
 * "Now playing" in a comment header someone else made (a DJ's Ogg stream: Traktor sends its titles
 * so): TITLE, ARTIST, ALBUM; undefined when the packet is not one or says none. A malformed packet
 * (lengths past its end) says nothing rather than throwing.
 */
export function commentTags(codec: OggCodec, packet: Buffer): Metadata | undefined {
	const layout = LAYOUT[codec];
	if (!layout?.matches(packet)) return undefined;
	let block: CommentBlock;
	try {
		block = parseBlock(packet.subarray(layout.prefix(packet).length));
	} catch {
		return undefined;
	}
	const tags: Metadata = {};
	for (const comment of block.comments) {
		const at = comment.indexOf('=');
		const key = (Object.keys(TAG_KEYS) as (keyof Metadata)[]).find(
			(k) => TAG_KEYS[k] === comment.slice(0, at).toUpperCase(),
		);
		if (key && key !== 'comment' && at > 0 && !tags[key]) tags[key] = comment.slice(at + 1);
	}
	return tags.title || tags.artist ? tags : undefined;
}

/** Whether a packet is this codec's comment header. */
export function isCommentPacket(codec: OggCodec, packet: Buffer): boolean {
	return LAYOUT[codec]?.matches(packet) ?? false;
}

const LAYOUT: Partial<
	Record<
		OggCodec,
		{ matches(p: Buffer): boolean; prefix(p: Buffer): Buffer; wrap(original: Buffer, body: Buffer): Buffer }
	>
> = {
	opus: {
		matches: (p) => p.subarray(0, 8).toString('latin1') === 'OpusTags',
		prefix: (p) => p.subarray(0, 8),
		wrap: (_original, body) => Buffer.concat([Buffer.from('OpusTags', 'latin1'), body]),
	},
	vorbis: {
		matches: (p) => p[0] === 3 && p.subarray(1, 7).toString('latin1') === 'vorbis',
		prefix: (p) => p.subarray(0, 7),
		wrap: (_original, body) => Buffer.concat([Buffer.from('\x03vorbis', 'latin1'), body, Buffer.from([1])]),
	},
	flac: {
		matches: (p) => (p[0]! & 0x7f) === 4,
		prefix: (p) => p.subarray(0, 4),
		wrap: (original, body) => {
			const header = Buffer.alloc(4);
			header[0] = (original[0]! & 0x80) | 4;
			header.writeUIntBE(body.length, 1, 3);
			return Buffer.concat([header, body]);
		},
	},
};

function parseBlock(data: Buffer): CommentBlock {
	let offset = 0;
	const read = () => {
		const length = data.readUInt32LE(offset);
		const text = data.subarray(offset + 4, offset + 4 + length).toString('utf8');
		offset += 4 + length;
		return text;
	};
	const vendor = read();
	const count = data.readUInt32LE(offset);
	offset += 4;
	const comments: string[] = [];
	for (let i = 0; i < count && offset + 4 <= data.length; i++) comments.push(read());
	return { vendor, comments };
}

function serializeBlock(block: CommentBlock): Buffer {
	const parts: Buffer[] = [];
	const write = (text: string) => {
		const bytes = Buffer.from(text, 'utf8');
		const length = Buffer.alloc(4);
		length.writeUInt32LE(bytes.length);
		parts.push(length, bytes);
	};
	write(block.vendor);
	const count = Buffer.alloc(4);
	count.writeUInt32LE(block.comments.length);
	parts.push(count);
	for (const comment of block.comments) write(comment);
	return Buffer.concat(parts);
}
