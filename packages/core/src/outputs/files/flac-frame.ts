/**
 * FLAC frame headers carry the frame's number (or first sample's, with variable block sizes):
 * a file that begins mid-stream must count from zero, or libFLAC's seeking (and tools built on
 * it) lose their way. The number is coded like UTF-8, so a new one may change the header's
 * length: the header is rebuilt, its CRC-8 and the frame's CRC-16 computed again.
 */

const CRC8 = table(8, 0x07);
const CRC16 = table(16, 0x8005);

function table(bits: 8 | 16, poly: number): Uint16Array {
	const out = new Uint16Array(256);
	const top = 1 << (bits - 1);
	const mask = (1 << bits) - 1;
	for (let i = 0; i < 256; i++) {
		let crc = i << (bits - 8);
		for (let j = 0; j < 8; j++) crc = crc & top ? ((crc << 1) ^ poly) & mask : (crc << 1) & mask;
		out[i] = crc;
	}
	return out;
}

export function crc8(bytes: Uint8Array): number {
	let crc = 0;
	for (const b of bytes) crc = CRC8[crc ^ b]!;
	return crc;
}

export function crc16(bytes: Uint8Array): number {
	let crc = 0;
	for (const b of bytes) crc = ((crc << 8) & 0xffff) ^ CRC16[(crc >> 8) ^ b]!;
	return crc;
}

/** The frame's coded number and where the header continues after it; undefined when this is no frame header. */
export function frameNumber(frame: Buffer): { value: bigint; end: number } | undefined {
	if (frame.length < 6 || frame[0] !== 0xff || (frame[1]! & 0xfe) !== 0xf8) return undefined;
	const first = frame[4]!;
	// Like UTF-8: the leading ones of the first byte say how many bytes follow it.
	const length = first < 0x80 ? 1 : first === 0xfe ? 7 : Math.clz32(~first << 24) ;
	if (length === 1 && first >= 0x80) return undefined;
	if (length < 1 || length > 7 || frame.length < 4 + length) return undefined;
	let value = BigInt(length === 1 ? first : length === 7 ? 0 : first & (0xff >> (length + 1)));
	for (let i = 1; i < length; i++) value = (value << 6n) | BigInt(frame[4 + i]! & 0x3f);
	return { value, end: 4 + length };
}

/** A number in FLAC's UTF-8-like code: up to 36 bits in up to 7 bytes. */
export function codeNumber(value: bigint): Buffer {
	if (value < 0x80n) return Buffer.from([Number(value)]);
	let length = 2;
	while (length < 7 && value >= 1n << BigInt((7 - length) + 6 * (length - 1))) length++;
	const bytes = [((0xff << (8 - length)) & 0xff) | Number(value >> BigInt(6 * (length - 1)))];
	for (let i = 1; i < length; i++) bytes.push(0x80 | Number((value >> BigInt(6 * (length - 1 - i))) & 0x3fn));
	return Buffer.from(bytes);
}

/** The frame with its number less `base`, header and CRCs rebuilt; as it is when `base` is 0. */
export function renumberFrame(frame: Buffer, base: bigint): Buffer {
	const number = frameNumber(frame);
	if (!number || base === 0n) return frame;
	const code = frame[2]!;
	const extra = ((code >> 4) === 6 ? 1 : (code >> 4) === 7 ? 2 : 0) + ((code & 0xf) === 12 ? 1 : (code & 0xf) === 13 || (code & 0xf) === 14 ? 2 : 0);
	const headerEnd = number.end + extra;
	const header = Buffer.concat([frame.subarray(0, 4), codeNumber(number.value - base), frame.subarray(number.end, headerEnd)]);
	const body = frame.subarray(headerEnd + 1, frame.length - 2);
	const out = Buffer.concat([header, Buffer.from([crc8(header)]), body, Buffer.alloc(2)]);
	out.writeUInt16BE(crc16(out.subarray(0, out.length - 2)), out.length - 2);
	return out;
}
