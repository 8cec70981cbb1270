-- FTS5 writes a new level-0 segment at every commit and, with its default automerge of 4, merges a level as
-- soon as it holds 4 segments, so that most of the index work of a small write is merging. At 8 segments
-- per level the merge work per commit is about halved (measured on the 1M-claim benchmark database) for a
-- few more segments to read per query (still bounded: crisismerge keeps its default of 16 per level).
-- Group commit (src/plugins/writer.ts) already makes that one segment per batch of writes, not per write.
INSERT INTO `search_index`(`search_index`, `rank`) VALUES ('automerge', 8);
