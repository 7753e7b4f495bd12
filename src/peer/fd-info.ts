// What a descriptor refers to, in the terms the judge compares: kind, device and inode (as
// decimal strings: inode numbers can exceed 2^53), permission bits.
import fs from 'node:fs';
import type { FdType } from '../scenario/types';

export interface FdInfo {
  type: FdType | 'other';
  dev: string;
  ino: string;
  mode: number;
}

export function fdInfo(fd: number): FdInfo {
  return statInfo(fs.fstatSync(fd, { bigint: true }));
}

export function pathInfo(path: string): FdInfo {
  return statInfo(fs.statSync(path, { bigint: true }));
}

function statInfo(st: fs.BigIntStats): FdInfo {
  return { type: fdType(st), dev: st.dev.toString(), ino: st.ino.toString(), mode: Number(st.mode & 0o777n) };
}

function fdType(st: fs.BigIntStats): FdInfo['type'] {
  if (st.isFile()) return 'file';
  if (st.isFIFO()) return 'pipe';
  if (st.isSocket()) return 'socket';
  if (st.isDirectory()) return 'dir';
  return 'other';
}
