import { request } from 'node:http';
import { type Child, RssSampler, rssOf } from './children.js';
import type { ExportResult } from './report.js';

/**
 * Streams one whole list as NDJSON (issue 12: `GET /claims?format=ndjson`, streamed page by page) and samples
 * the server's resident memory meanwhile: constant memory means the figure stays near where it started,
 * whatever the number of rows. A server that answers anything but NDJSON (the feature is not in this build)
 * is a skip with the reason, not a failure.
 */
export function measureExport(child: Child, path: string, timeoutMs = 15 * 60_000): Promise<ExportResult> {
  const rssBeforeBytes = rssOf(child.proc.pid) ?? 0;
  const sampler = new RssSampler(child.proc.pid, 50);
  const started = performance.now();
  const target = '< 250 MB and within 50 MB of the RSS before the export';
  const base = { path, rows: 0, bytes: 0, seconds: 0, rssBeforeBytes, rssMaxBytes: 0, target, met: null };
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: child.port,
        path,
        method: 'GET',
        agent: false,
        headers: { accept: 'application/x-ndjson' },
      },
      (res) => {
        const type = String(res.headers['content-type'] ?? '');
        if (res.statusCode !== 200 || !type.startsWith('application/x-ndjson')) {
          res.destroy();
          sampler.stop();
          resolve({
            ...base,
            skipped:
              `skipped: GET ${path} answered ${res.statusCode} ${type || '(no content type)'}, not application/x-ndjson ` +
              '(the NDJSON export of issue 12 is not in this build)',
          });
          return;
        }
        let rows = 0;
        let bytes = 0;
        let last = 0x0a;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) rows++;
          last = chunk[chunk.length - 1] ?? last;
        });
        res.on('end', () => {
          sampler.stop();
          if (last !== 0x0a && bytes > 0) rows++;
          const rssMaxBytes = sampler.max;
          resolve({
            ...base,
            skipped: null,
            rows,
            bytes,
            seconds: (performance.now() - started) / 1000,
            rssMaxBytes,
            met: rssMaxBytes < 250 * 1024 * 1024 && rssMaxBytes - rssBeforeBytes < 50 * 1024 * 1024,
          });
        });
        res.on('error', (error) => {
          sampler.stop();
          reject(error);
        });
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`export did not finish within ${timeoutMs} ms`)));
    req.on('error', (error) => {
      sampler.stop();
      reject(error);
    });
    req.end();
  });
}
