package dev.ingest.auth;

/** A key just made, with the one copy of its token ({@code <id>.<secret>}) there will ever be. */
public record IssuedKey(ApiKey key, String token) {}
