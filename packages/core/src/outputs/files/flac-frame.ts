import { crcStep, crcTable } from '../../util/crc.js';

/**
 * FLAC frame headers carry the frame's number (or first sample's, with variable block sizes):
 * a file that begins mid-stream must count from zero, or libFLAC's seeking (and tools built on
 * it) lose their way. The number is coded like UTF-8, so a new one may change the header's
 * length: the header is rebuilt, its CRC-8 and the frame's CRC-16 computed again.
 */

const CRC8 = crcTable(8, 0x07);
const CRC16 = crcTable(16, 0x8005);

const crc = (bytes: Uint8Array, table: Uint32Array, bits: 8 | 16) =>
	bytes.reduce((value, byte) => crcStep(value, byte, table, bits), 0);

/** The frame's coded number and where the header continues after it; undefined when this is no frame header. */
export function frameNumber(frame: Buffer): { value: bigint; end: number } | undefined {
	if (frame.length < 6 || frame[0] !== 0xff || (frame[1]! & 0xfe) !== 0xf8) return undefined;
	const first = frame[4]!;
	// Like UTF-8: the leading ones of the first byte are how many bytes the number takes (0xfe: 7).
	const length = first < 0x80 ? 1 : first === 0xfe ? 7 : Math.clz32(~(first << 24));
	if (length < 2 && first >= 0x80) return undefined;
	if (length > 7 || frame.length < 4 + length) return undefined;
	let value = BigInt(length === 1 ? first : length === 7 ? 0 : first & (0xff >> (length + 1)));
	for (let i = 1; i < length; i++) value = (value << 6n) | BigInt(frame[4 + i]! & 0x3f);
	return { value, end: 4 + length };
}

/** A number in FLAC's UTF-8-like code: up to 36 bits in up to 7 bytes. */
function codeNumber(value: bigint): Buffer {
	if (value < 0x80n) return Buffer.from([Number(value)]);
	let length = 2;
	while (length < 7 && value >= 1n << BigInt(7 - length + 6 * (length - 1))) length++;
	const bytes = [((0xff << (8 - length)) & 0xff) | Number(value >> BigInt(6 * (length - 1)))];
	for (let i = 1; i < length; i++) bytes.push(0x80 | Number((value >> BigInt(6 * (length - 1 - i))) & 0x3fn));
	return Buffer.from(bytes);
}

/** The frame with its number less `base`, header and CRCs rebuilt; as it is when `base` is 0. */
export function renumberFrame(frame: Buffer, base: bigint): Buffer {
	const number = frameNumber(frame);
	if (!number || base === 0n) return frame;
	const code = frame[2]!;
	const extra =
		(code >> 4 === 6 ? 1 : code >> 4 === 7 ? 2 : 0) +
		((code & 0xf) === 12 ? 1 : (code & 0xf) === 13 || (code & 0xf) === 14 ? 2 : 0);
	const headerEnd = number.end + extra;
	const header = Buffer.concat([
		frame.subarray(0, 4),
		codeNumber(number.value - base),
		frame.subarray(number.end, headerEnd),
	]);
	const body = frame.subarray(headerEnd + 1, frame.length - 2);
	const out = Buffer.concat([header, Buffer.from([crc(header, CRC8, 8)]), body, Buffer.alloc(2)]);
	out.writeUInt16BE(crc(out.subarray(0, out.length - 2), CRC16, 16), out.length - 2);
	return out;
}
