package dev.ingest.core;

/** A stored file a job works on. {@code blobKey} is where the bytes live in the blob store. */
public record FileRef(String id, String name, long size, String sha256, String mimeType, String blobKey) {}
