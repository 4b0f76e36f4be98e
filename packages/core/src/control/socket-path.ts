import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Where `jdcast up` listens and the other commands knock: `--socket`, else $JDCAST_SOCKET, else
 * $XDG_RUNTIME_DIR/jdcast/control.sock, else a per-user folder under the system temp dir.
 */
export function controlSocketPath(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
	if (explicit) return path.resolve(explicit);
	if (env.JDCAST_SOCKET) return path.resolve(env.JDCAST_SOCKET);
	if (env.XDG_RUNTIME_DIR) return path.join(env.XDG_RUNTIME_DIR, 'jdcast', 'control.sock');
	return path.join(tmpdir(), `jdcast-${process.getuid?.() ?? 'user'}`, 'control.sock');
}
