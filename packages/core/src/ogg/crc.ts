import { crcStep, crcTable } from '../util/crc.js';

/** Ogg's CRC-32: polynomial 0x04c11db7, not reflected, initial value 0, no final xor. */
const TABLE = crcTable(32, 0x04c11db7);

/** The CRC of a whole page, computed as if its CRC field (bytes 22..25) were zero. */
export function pageCrc(page: Uint8Array): number {
	let crc = 0;
	for (let i = 0; i < page.length; i++) crc = crcStep(crc, i >= 22 && i < 26 ? 0 : page[i]!, TABLE, 32);
	return crc;
}
