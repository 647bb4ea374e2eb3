/**
 * Every byte layout RockHub writes to RocksDB, and nowhere else.
 *
 * <p>Integers are big-endian so that byte order equals numeric order, except the merge counters
 * (RocksDB's {@code uint64add} operator defines them as little-endian fixed64). Codes that reach
 * disk (data types, column-family names) are explicit and append-only; golden tests freeze them.
 *
 * <pre>
 * column family  key                                              value
 * -------------  -----------------------------------------------  -----------------------------------------
 * metadata       user key                                         Metadata: [u8 type][u64 expireAt ms, 0 = none]
 *                                                                   string:  [value bytes...]
 *                                                                   others:  [u64 version][u64 size][type extras]
 *                                                                   list extras: [u64 head][u64 tail]
 *                                                                   stream extras: StreamMeta (last id, max deleted id, entries added)
 * subkey (list)  [u32 len(key)][key][u64 version][u64 index]      the item at that index, head <= index < tail
 * stream         [u32 len(key)][key][u64 version][u64 ms][u64 seq] StreamEntry: [u32 n][u32 len][bytes]... (field, value)*
 * stream (groups) [u32 len(key)][key][u64 version][ff x16][tag]... group, consumer, pending and per-consumer
 *                                                                   pending index: see StreamGroupCodec
 * subkey         [u32 len(key)][key][u64 version][subkey]         type-specific (hash value, list item, ...)
 * expire         [u64 expireAt ms][user key]                      empty: one entry per key that has a TTL
 * garbage        [u64 version][user key]                          [u8 type]: a dead version whose subkeys
 *                                                                   the sweeper must range-delete
 * zset_score     [u32 len(key)][key][u64 version][score][member]  empty: the score index of a sorted set
 *                score = 8 bytes of the double mapped so byte order = numeric order (-0 stored as 0);
 *                the subkey family maps member -> the same 8-byte score
 * default        "rockhub:counter:keys" / ":expires"              u64 little-endian, merged with uint64add
 * </pre>
 */
package io.rockhub.core.encoding;
