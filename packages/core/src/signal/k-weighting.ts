/** Biquad coefficients, a0 normalised to 1. */
export interface Biquad {
	b0: number;
	b1: number;
	b2: number;
	a1: number;
	a2: number;
}

/**
 * ITU-R BS.1770's K-weighting (a high shelf of about +4 dB above 1.5 kHz, then a high-pass at
 * 38 Hz) for any sample rate, from the analogue prototype the standard's 48 kHz coefficients
 * come from (the same derivation as libebur128's): at 48 kHz these are the standard's figures.
 */
export function kWeighting(sampleRate: number): [Biquad, Biquad] {
	let f0 = 1681.974450955533;
	const gainDb = 3.999843853973347;
	let q = 0.7071752369554196;
	let k = Math.tan((Math.PI * f0) / sampleRate);
	const vh = 10 ** (gainDb / 20);
	const vb = vh ** 0.4996667741545416;
	let a0 = 1 + k / q + k * k;
	const shelf: Biquad = {
		b0: (vh + (vb * k) / q + k * k) / a0,
		b1: (2 * (k * k - vh)) / a0,
		b2: (vh - (vb * k) / q + k * k) / a0,
		a1: (2 * (k * k - 1)) / a0,
		a2: (1 - k / q + k * k) / a0,
	};
	f0 = 38.13547087602444;
	q = 0.5003270373238773;
	k = Math.tan((Math.PI * f0) / sampleRate);
	a0 = 1 + k / q + k * k;
	const highPass: Biquad = { b0: 1, b1: -2, b2: 1, a1: (2 * (k * k - 1)) / a0, a2: (1 - k / q + k * k) / a0 };
	return [shelf, highPass];
}
