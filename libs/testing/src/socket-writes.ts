import type { Socket } from 'node:net';

export interface SocketWrites {
  /** `_write` calls: one chunk each. */
  write: number;
  /** `_writev` calls: several chunks in one system call. */
  writev: number;
  /** Chunks per `_writev` call, in order. */
  chunks: number[];
}

/**
 * Counts a socket's writes from now on, as Node hands them to the OS (one `_write` per chunk, or
 * one `_writev` for all the chunks a corked or busy socket buffered). Test-only instrumentation of
 * our own side of a real connection; the bytes still go out unchanged.
 */
export function countSocketWrites(socket: Socket): SocketWrites {
  const internals = socket as unknown as {
    _write: (...args: unknown[]) => void;
    _writev: (chunks: unknown[], callback: unknown) => void;
  };
  const counts: SocketWrites = { write: 0, writev: 0, chunks: [] };
  const write = internals._write.bind(socket);
  const writev = internals._writev.bind(socket);
  internals._write = (...args) => {
    counts.write++;
    write(...args);
  };
  internals._writev = (chunks, callback) => {
    counts.writev++;
    counts.chunks.push(chunks.length);
    writev(chunks, callback);
  };
  return counts;
}
