import { PacketAssembler } from '../../ogg/build.js';
import { identify, streamFacts } from '../../ogg/headers.js';
import { FLAG_BOS, FLAG_CONTINUED, firstPacket, ownPage, type OggPage } from '../../ogg/page.js';
import { frameNumber, renumberFrame } from './flac-frame.js';
import { NO_BYTES, type FileWriter, type StreamState, type Written } from './types.js';

/** 'fLaC', then STREAMINFO's block header: its data starts at byte 8 of the file. */
const STREAMINFO_DATA = 8;
/** STREAMINFO's MD5 of the audio: bytes 18 to 33 of its data. */
const MD5 = { from: 4 + 18, to: 4 + 34 };
/** Ogg FLAC's first packet: 0x7F "FLAC", version, header count (9 bytes), then "fLaC" and STREAMINFO. */
const MAPPING_HEADER = 9;

/**
 * Native FLAC from the encoder's Ogg FLAC: the Ogg packets are FLAC's own metadata blocks and
 * frames, so the file is a remux (no second encode). STREAMINFO's total sample count is written
 * when the part ends and kept current while it grows (lengthPatch: the samples the disk holds),
 * so that a file whose jdcast was killed still opens with all its audio: sox (libFLAC) and ffprobe
 * stop where the total says, and a total of 0 ("unknown") would make soxi say 0 s and ffprobe N/A
 * (measured: docs/security.md).
 */
export class FlacFileWriter implements FileWriter {
	readonly maxBytes = Number.MAX_SAFE_INTEGER;
	private started = false;
	private hasAudio = false;
	private base = 0n;
	private granule = 0n;
	private rate = 0;
	private headerPackets: number | undefined;
	private assembler = new PacketAssembler();
	private headers: Buffer[] = [];
	/** The number the first frame of a file begun mid-stream had: what every frame's number is counted from. */
	private frameBase: bigint | undefined;

	constructor(private readonly stream: StreamState) {}

	get samples(): number {
		return Number(this.granule - this.base);
	}

	get sampleRate(): number {
		return this.rate;
	}

	write(unit: Buffer, granuleBefore: bigint): Buffer | 'new-stream' {
		const page = ownPage(unit);
		if (page.flags & FLAG_BOS) {
			if (this.hasAudio) return 'new-stream';
			this.started = true;
			this.base = 0n;
			return this.header(page);
		}
		if (!this.started) {
			if (page.flags & FLAG_CONTINUED || page.granule === 0n || this.stream.headerPages.length === 0) return NO_BYTES;
			this.started = true;
			this.base = granuleBefore;
			const opening = this.stream.headerPages.map((bytes) => this.header(ownPage(bytes)));
			return Buffer.concat([...opening, this.frames(page)]);
		}
		if (this.headerPackets !== undefined && this.headers.length < this.headerPackets) return this.header(page);
		return this.frames(page);
	}

	end(): Buffer {
		return NO_BYTES;
	}

	lengthPatch({ samples }: Written): { offset: number; bytes: Buffer } | null {
		if (this.headers.length === 0) return null;
		// Total samples: 36 bits from the low nibble of STREAMINFO data byte 13 on; the high nibble is bits per sample.
		const total = BigInt(Math.min(samples, this.samples)) & 0xfffffffffn;
		const bytes = Buffer.from(this.headers[0]!.subarray(4 + 13, 4 + 18));
		bytes[0] = (bytes[0]! & 0xf0) | Number(total >> 32n);
		bytes.writeUInt32BE(Number(total & 0xffffffffn), 1);
		return { offset: STREAMINFO_DATA + 13, bytes };
	}

	/** Header pages: the metadata blocks, written once every one of them is known. */
	private header(page: OggPage): Buffer {
		if (page.flags & FLAG_BOS) {
			const first = firstPacket(page);
			const { headerPackets } = identify(first);
			this.headerPackets = headerPackets;
			this.rate = streamFacts(first).sampleRate;
			this.assembler = new PacketAssembler();
			this.headers = [];
		}
		this.assembler.push(page);
		if (this.headerPackets === undefined || this.assembler.packets.length < this.headerPackets) return NO_BYTES;
		// STREAMINFO (its block header included) from the first packet, then every other block; the last one says so.
		const blocks = [
			this.assembler.packets[0]!.subarray(MAPPING_HEADER + 4),
			...this.assembler.packets.slice(1, this.headerPackets),
		].map((b) => Buffer.from(b));
		blocks.forEach((block, i) => (block[0] = (block[0]! & 0x7f) | (i === blocks.length - 1 ? 0x80 : 0)));
		// An MD5 of the whole stream can never be this part's (begun mid-stream, or cut short by a kill): 0, "not
		// known", which no checker holds against the file. (An encoder writing to a pipe leaves it 0 anyway.)
		blocks[0]!.fill(0, MD5.from, MD5.to);
		this.headers = blocks;
		this.assembler = new PacketAssembler();
		// The total stays what the encoder wrote (0 on a pipe: not known) until the first patch, which follows the disk.
		return Buffer.concat([Buffer.from('fLaC', 'latin1'), ...blocks]);
	}

	/** Audio pages: their packets are FLAC frames, renumbered from zero in a file that began mid-stream. */
	private frames(page: OggPage): Buffer {
		this.assembler.push(page);
		let frames = this.assembler.packets;
		this.assembler.packets = [];
		if (this.base > 0n && frames.length > 0) {
			this.frameBase ??= frameNumber(frames[0]!)?.value ?? 0n;
			const base = this.frameBase;
			frames = frames.map((frame) => renumberFrame(frame, base));
		}
		if (page.granule > 0n) {
			this.granule = page.granule;
			this.hasAudio = true;
		}
		return frames.length === 0 ? NO_BYTES : frames.length === 1 ? frames[0]! : Buffer.concat(frames);
	}
}
