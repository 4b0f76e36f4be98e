import { NO_BYTES, type FileWriter, type StreamState, type Written } from './types.js';

const PCM = 1;
const EXTENSIBLE = 0xfffe;
/** KSDATAFORMAT_SUBTYPE_PCM: the GUID a WAVE_FORMAT_EXTENSIBLE header names PCM with. */
const PCM_GUID = Buffer.from('0100000000001000800000aa00389b71', 'hex');
/** RIFF sizes are 32-bit: a part ends before its sizes would overflow, and the next begins. */
const MAX_WAV_BYTES = 0xffffffff - 1024 * 1024;

/**
 * WAV for editors: the encoder's PCM under a header of jdcast's own, whose RIFF and data sizes
 * are written when the part ends and kept current while it grows (lengthPatch: the bytes the disk
 * holds). Real sizes, not WAV's "unknown length" (0xFFFFFFFF): ffmpeg reads such a file whole, but
 * sox warns of a premature end and soxi says 6 hours (measured: docs/security.md); every reader
 * stops where the data size says, so it is patched often. More than two channels use
 * WAVE_FORMAT_EXTENSIBLE, as the format asks.
 */
export class WavFileWriter implements FileWriter {
	readonly maxBytes = MAX_WAV_BYTES;
	private dataBytes = 0;
	/** The format this file's header says, from the stream when its first frames came. */
	private pcm: StreamState['pcm'];

	constructor(private readonly stream: StreamState) {}

	get sampleRate(): number {
		return this.pcm?.sampleRate ?? 0;
	}

	get samples(): number {
		return this.pcm ? Math.floor(this.dataBytes / ((this.pcm.channels * this.pcm.bitsPerSample) / 8)) : 0;
	}

	write(unit: Buffer, _granuleBefore?: bigint): Buffer {
		const opening = this.pcm === undefined;
		this.pcm ??= this.stream.pcm;
		if (!this.pcm) return NO_BYTES;
		this.dataBytes += unit.length;
		return opening ? Buffer.concat([this.header(this.pcm, this.dataBytes), unit]) : unit;
	}

	end(): Buffer {
		return NO_BYTES;
	}

	lengthPatch({ bytes }: Written): { offset: number; bytes: Buffer } | null {
		if (!this.pcm) return null;
		const dataBytes = Math.max(0, Math.min(this.dataBytes, bytes - headerLength(this.pcm)));
		return { offset: 0, bytes: this.header(this.pcm, dataBytes) };
	}

	private header(pcm: NonNullable<StreamState['pcm']>, dataBytes: number): Buffer {
		const extensible = pcm.channels > 2;
		const fmtSize = extensible ? 40 : 16;
		const header = Buffer.alloc(headerLength(pcm));
		const blockAlign = (pcm.channels * pcm.bitsPerSample) / 8;
		header.write('RIFF', 0, 'latin1');
		header.writeUInt32LE(header.length - 8 + dataBytes, 4);
		header.write('WAVE', 8, 'latin1');
		header.write('fmt ', 12, 'latin1');
		header.writeUInt32LE(fmtSize, 16);
		header.writeUInt16LE(extensible ? EXTENSIBLE : PCM, 20);
		header.writeUInt16LE(pcm.channels, 22);
		header.writeUInt32LE(pcm.sampleRate, 24);
		header.writeUInt32LE(pcm.sampleRate * blockAlign, 28);
		header.writeUInt16LE(blockAlign, 32);
		header.writeUInt16LE(pcm.bitsPerSample, 34);
		if (extensible) {
			header.writeUInt16LE(22, 36);
			header.writeUInt16LE(pcm.bitsPerSample, 38);
			header.writeUInt32LE(0, 40);
			PCM_GUID.copy(header, 44);
		}
		header.write('data', 12 + 8 + fmtSize, 'latin1');
		header.writeUInt32LE(dataBytes, 12 + 8 + fmtSize + 4);
		return header;
	}
}

/** RIFF, fmt (longer for WAVE_FORMAT_EXTENSIBLE) and the data chunk's own header: where the PCM begins. */
function headerLength(pcm: NonNullable<StreamState['pcm']>): number {
	return 12 + 8 + (pcm.channels > 2 ? 40 : 16) + 8;
}
