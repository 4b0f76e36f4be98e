/** What a WAV stream's `fmt ` chunk says about the samples that follow. */
export interface PcmFormat {
	channels: number;
	sampleRate: number;
	bitsPerSample: number;
	/** 1: integer PCM, 3: IEEE float (WAVE_FORMAT_EXTENSIBLE's subformat when it is one). */
	tag: number;
}

const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** A header that has not reached its data chunk by now is not one ffmpeg wrote. */
const MAX_HEADER_BYTES = 64 * 1024;

/**
 * A WAV stream read from a pipe: its RIFF header (sizes unknown on a pipe, so ignored), then
 * whole sample frames — a chunk of the pipe may end inside one. Throws on anything but WAV.
 */
export class WavFrames {
	format: PcmFormat | undefined;
	private header: Buffer | undefined = Buffer.alloc(0);
	private carry = Buffer.alloc(0);

	/** The whole frames this chunk completes (none while the header is still coming). */
	push(chunk: Buffer): Buffer {
		if (this.header) {
			this.header = Buffer.concat([this.header, chunk]);
			const parsed = parseWavHeader(this.header);
			if (parsed === undefined) {
				if (this.header.length > MAX_HEADER_BYTES) throw new Error('no WAV data chunk');
				return EMPTY;
			}
			this.format = parsed.format;
			chunk = this.header.subarray(parsed.dataStart);
			this.header = undefined;
		}
		const frameBytes = (this.format!.channels * this.format!.bitsPerSample) / 8;
		const bytes = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
		const whole = bytes.length - (bytes.length % frameBytes);
		this.carry = Buffer.from(bytes.subarray(whole));
		return bytes.subarray(0, whole);
	}
}

const EMPTY = Buffer.alloc(0);

/** ffmpeg's `-c:a pcm_f32le -f wav` output for the level meter, as Float32Array samples. */
export class WavReader {
	private readonly frames = new WavFrames();

	constructor(private readonly onFrames: (samples: Float32Array, format: PcmFormat) => void) {}

	get format(): PcmFormat | undefined {
		return this.frames.format;
	}

	push(chunk: Buffer): void {
		let bytes = this.frames.push(chunk);
		const format = this.frames.format;
		if (!format || bytes.length === 0) return;
		if (format.tag !== WAVE_FORMAT_IEEE_FLOAT || format.bitsPerSample !== 32)
			throw new Error(
				`the level meter expects 32-bit float WAV, got format ${format.tag} with ${format.bitsPerSample} bits`,
			);
		// Float32Array needs 4-byte alignment: a pipe's buffers usually have it, copy when not.
		if (bytes.byteOffset % 4 !== 0) bytes = Buffer.from(bytes);
		this.onFrames(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4), format);
	}
}

/**
 * A WAV stream's header: its format and where the data begins; undefined while more bytes are needed.
 * Throws on anything but WAV.
 */
function parseWavHeader(bytes: Buffer): { format: PcmFormat; dataStart: number } | undefined {
	if (bytes.length < 12) return undefined;
	if (bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WAVE')
		throw new Error('not a WAV stream');
	let at = 12;
	let format: PcmFormat | undefined;
	while (at + 8 <= bytes.length) {
		const id = bytes.toString('latin1', at, at + 4);
		const size = bytes.readUInt32LE(at + 4);
		if (id === 'data') {
			if (!format) throw new Error('WAV data before its format');
			return { format, dataStart: at + 8 };
		}
		if (at + 8 + size > bytes.length) return undefined;
		if (id === 'fmt ') format = parseFormat(bytes.subarray(at + 8, at + 8 + size));
		at += 8 + size + (size % 2);
	}
	return undefined;
}

function parseFormat(fmt: Buffer): PcmFormat {
	let tag = fmt.readUInt16LE(0);
	if (tag === WAVE_FORMAT_EXTENSIBLE && fmt.length >= 26) tag = fmt.readUInt16LE(24);
	return { channels: fmt.readUInt16LE(2), sampleRate: fmt.readUInt32LE(4), bitsPerSample: fmt.readUInt16LE(14), tag };
}
