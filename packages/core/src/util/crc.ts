/**
 * The table of an MSB-first CRC of `bits` (8, 16 or 32) with polynomial `poly`, initial value 0,
 * no final xor: Ogg's CRC-32, FLAC's CRC-8 and CRC-16.
 */
export function crcTable(bits: 8 | 16 | 32, poly: number): Uint32Array {
	const out = new Uint32Array(256);
	const top = 2 ** (bits - 1);
	for (let i = 0; i < 256; i++) {
		let crc = i * 2 ** (bits - 8);
		for (let j = 0; j < 8; j++) crc = width((crc >= top ? (crc * 2) ^ poly : crc * 2) >>> 0, bits);
		out[i] = crc;
	}
	return out;
}

/** One byte into a CRC of `bits` made with `table`. */
export function crcStep(crc: number, byte: number, table: Uint32Array, bits: 8 | 16 | 32): number {
	return width(((crc << 8) ^ table[((crc >>> (bits - 8)) ^ byte) & 0xff]!) >>> 0, bits);
}

/** An unsigned value cut to `bits`. */
const width = (value: number, bits: number): number => (bits === 32 ? value >>> 0 : value % 2 ** bits);
