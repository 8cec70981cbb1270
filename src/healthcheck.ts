// The container's health check: `node dist/src/healthcheck.js` exits 0 when GET /health answers 200.
// A file of its own so that it also works where the image format drops HEALTHCHECK (an OCI image built by
// podman or buildah): pass it as `--health-cmd 'node dist/src/healthcheck.js'`.
const port = process.env.PORT || '3000';
const path = process.argv[2] === '--ready' ? '/health/ready' : '/health';
try {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2_500) });
  process.exit(res.ok ? 0 : 1);
} catch {
  process.exit(1);
}
