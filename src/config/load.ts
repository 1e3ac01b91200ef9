// Reads config files named on a command line: files, directories (`*.yaml`, `*.yml`, `*.json`)
// and stdin (`-`), into documents. A file that cannot be read is reported, never fatal to others.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { istioError, type IstioTsError } from '../shared/errors.js';
import { parseDocuments, type ConfigDocument } from './documents.js';

export const CONFIG_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;

export function isConfigFile(name: string): boolean {
  return CONFIG_EXTENSIONS.some((ext) => name.endsWith(ext));
}

export interface LoadedFile {
  /** The path as the user wrote it (joined with directory entries), or `-` for stdin. */
  readonly file: string;
  readonly documents: readonly ConfigDocument[];
  /** `ISTS_CONFIG_READ` when the file could not be read; `documents` is then empty. */
  readonly error?: IstioTsError;
}

export interface LoadOptions {
  /** Descend into subdirectories of a directory argument. */
  readonly recursive?: boolean;
  /** Read for `-`; defaults to process.stdin. */
  readonly stdin?: Readable;
  /** Relative paths resolve against this; defaults to process.cwd(). */
  readonly cwd?: string;
}

export async function readStream(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

async function listDir(dir: string, abs: string, recursive: boolean, out: string[]): Promise<void> {
  const entries = await readdir(abs, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.isDirectory()) {
      if (recursive) await listDir(join(dir, e.name), join(abs, e.name), recursive, out);
    } else if (isConfigFile(e.name)) {
      out.push(join(dir, e.name));
    }
  }
}

/** Files in argument order; a directory's entries sorted by name so output is deterministic. */
export async function loadPaths(paths: readonly string[], opts: LoadOptions = {}): Promise<LoadedFile[]> {
  const cwd = opts.cwd ?? process.cwd();
  const out: LoadedFile[] = [];
  const readOne = async (file: string): Promise<void> => {
    try {
      const text = await readFile(resolve(cwd, file), 'utf8');
      out.push({ file, documents: parseDocuments(file, text) });
    } catch (err) {
      out.push({ file, documents: [], error: istioError('ISTS_CONFIG_READ', `cannot read file "${file}": ${(err as Error).message}`, err) });
    }
  };
  for (const p of paths) {
    if (p === '-') {
      try {
        const text = await readStream(opts.stdin ?? process.stdin);
        out.push({ file: '-', documents: parseDocuments('-', text) });
      } catch (err) {
        out.push({ file: '-', documents: [], error: istioError('ISTS_CONFIG_READ', `cannot read stdin: ${(err as Error).message}`, err) });
      }
      continue;
    }
    let isDir = false;
    try {
      isDir = (await stat(resolve(cwd, p))).isDirectory();
    } catch (err) {
      out.push({ file: p, documents: [], error: istioError('ISTS_CONFIG_READ', `cannot stat file "${p}": ${(err as Error).message}`, err) });
      continue;
    }
    if (!isDir) {
      await readOne(p);
      continue;
    }
    const files: string[] = [];
    try {
      await listDir(p, resolve(cwd, p), opts.recursive ?? false, files);
    } catch (err) {
      out.push({ file: p, documents: [], error: istioError('ISTS_CONFIG_READ', `cannot read directory "${p}": ${(err as Error).message}`, err) });
      continue;
    }
    for (const f of files) await readOne(f);
  }
  return out;
}
