/**
 * The Node flags the service runs with: `npm start`, the Docker image and the benchmark start it with these,
 * and test/server-flags.test.ts checks that package.json and the Dockerfile say the same.
 *
 * A bounded old generation. V8 lets the heap grow between full collections by a factor that it scales with
 * the bound: unbounded (about 4 GB on a machine with 24 GB of memory) the factor is at its highest, and the
 * garbage of boards rebuilt after each commit built up to about 190 MB before a collection, leaving the
 * process at about 330 MB resident; bounded at 1 GB, it collects sooner and stays under about 250 MB, with no
 * difference in throughput that the benchmark can tell from its noise. 1 GB is about thirty times what the
 * largest view here allocates while it is built (the board of 9,450 attributions, about 33 MB in all; an
 * import is at most 16 MB of NDJSON), so only a fault reaches it.
 */
export const SERVER_NODE_FLAGS = ['--max-old-space-size=1024'] as const;
