package dev.ingest.blob;

/** A part the store acknowledged: its number, the store's tag for it, its CRC32C (base64) and size. */
public record UploadedPart(int number, String etag, String checksum, long size) {}
