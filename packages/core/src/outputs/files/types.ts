/**
 * How one recording file of a format is written, part by part: the bytes that open it (headers),
 * the stream's units as they come, what ends it, and where its duration is patched in.
 */
export interface FileWriter {
	/**
	 * Bytes to append for one unit of the encoder's own stream, `granuleBefore` the Ogg position
	 * the stream had just before it (where a part that begins mid-stream starts counting from);
	 * 'new-stream' when a new logical stream begins (an encoder restart) after this part already
	 * holds audio.
	 */
	write(unit: Buffer, granuleBefore: bigint): Buffer | 'new-stream';
	/** The bytes that end this part properly (an Ogg end-of-stream page with its final position). */
	end(): Buffer;
	/** Samples in this part so far, and their rate (0 until known). */
	readonly samples: number;
	readonly sampleRate: number;
	/**
	 * Where the part's length is written in its header, to keep it current: offset and bytes, for what the
	 * disk holds of it (`written`: never more, so that a reader of a killed jdcast's file gets all of it and
	 * nothing past its end); null when the format has none.
	 */
	lengthPatch(written: Written): { offset: number; bytes: Buffer } | null;
	/** The longest a part of this format may grow (a WAV file's sizes are 32-bit). */
	readonly maxBytes: number;
}

/** What the disk holds of a part: its bytes from the start of the file, and the samples in them. */
export interface Written {
	bytes: number;
	samples: number;
}

/** The encoder's stream as the recording needs it when a part starts after the stream did. */
export interface StreamState {
	/** Ogg: the header pages of the current logical stream, as the encoder wrote them. */
	headerPages: readonly Buffer[];
	/** WAV: the PCM format, once the encoder's header was read. */
	pcm: { channels: number; sampleRate: number; bitsPerSample: number } | undefined;
}

export const NO_BYTES = Buffer.alloc(0);
