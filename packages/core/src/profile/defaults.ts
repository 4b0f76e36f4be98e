export const DEFAULT_JACK_CLIENT = 'jd_stream';
export const DEFAULT_CHANNELS = 2;
export const DEFAULT_PORT = 8000;
export const DEFAULT_USER = 'source';
export const DEFAULT_TONE_HZ = 440;
/** ffmpeg's sine has an amplitude of 1/8: -18.06 dBFS. */
export const DEFAULT_TONE_LEVEL = -18;
export const DEFAULT_SILENCE = { threshold: -50, after: 15, takeBack: 3 } as const;
/** Seconds between two "now playing" changes of one target: a chain link costs an Ogg stream its headers again. */
export const DEFAULT_NOW_PLAYING_INTERVAL = 1;
/** Loudness control's defaults: the streaming norm's ceiling, and a gain that lifts a quiet DJ without lifting a hiss too far. */
export const DEFAULT_TRUE_PEAK = -1;
export const DEFAULT_MAX_GAIN = 12;
/** A harbor connection bringing more than this many kbps (over 5 s) is cut: FLAC stereo at 48 kHz needs about 1,100. */
export const DEFAULT_HARBOR_MAX_KBPS = 2000;
/** The user name of a harbor's shared password, as Icecast's source clients send it. */
export const HARBOR_SHARED_USER = 'source';
